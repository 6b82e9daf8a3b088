// The npm side of tests/crypto/mlkem_interop_test.cpp: an independent
// ML-KEM-768 (@noble/post-quantum, installed by scripts/npm-interop.sh) runs
// the requests in INPUT, one per line, and writes one answer per line to OUTPUT:
//   keygen SEED64          -> ek
//   encaps EK M32          -> ct shared_secret
//   decaps SEED64 CT       -> shared_secret   (the key pair made from SEED64)
// All values in hex. Seeds and m are given, so nothing here draws randomness.
//
//   node mlkem_interop.mjs NODE_MODULES INPUT OUTPUT
import { createRequire } from 'node:module';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const [nodeModules, input, output] = process.argv.slice(2);
const require = createRequire(join(nodeModules, 'cairn-interop.js'));
const { ml_kem768 } = require('@noble/post-quantum/ml-kem');

const hex = (b) => Buffer.from(b).toString('hex');
const bytes = (h) => new Uint8Array(Buffer.from(h, 'hex'));

const answers = [];
for (const line of readFileSync(input, 'utf8').split('\n').filter((l) => l.length > 0)) {
  const [op, a, b] = line.split(' ');
  if (op === 'keygen') {
    answers.push(hex(ml_kem768.keygen(bytes(a)).publicKey));
  } else if (op === 'encaps') {
    const { cipherText, sharedSecret } = ml_kem768.encapsulate(bytes(a), bytes(b));
    answers.push(`${hex(cipherText)} ${hex(sharedSecret)}`);
  } else if (op === 'decaps') {
    const { secretKey } = ml_kem768.keygen(bytes(a));
    answers.push(hex(ml_kem768.decapsulate(bytes(b), secretKey)));
  } else {
    throw new Error(`unknown request: ${op}`);
  }
}
writeFileSync(output, answers.map((l) => `${l}\n`).join(''));
