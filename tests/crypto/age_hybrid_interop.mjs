// The npm side of tests/crypto/age_hybrid_interop_test.cpp: typage (the npm
// package age-encryption, an independent age implementation with the
// mlkem768x25519 hybrid recipients; test-only, installed by
// scripts/npm-interop.sh) run on files, one command per process:
//   keygen IDENTITY_OUT RECIPIENT_OUT      a fresh hybrid key pair
//   recipient IDENTITY RECIPIENT_OUT       the recipient of an identity
//   encrypt RECIPIENT IN OUT               IN encrypted to the recipient
//   decrypt IDENTITY IN OUT                IN decrypted with the identity
// Keys are read from and written to files as their text (one line).
//
//   node age_hybrid_interop.mjs NODE_MODULES COMMAND ARGS...
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { webcrypto } from 'node:crypto';

// Debian 12's Node.js 18 has Web Crypto only as node:crypto's webcrypto, not
// as the global the noble libraries draw randomness from.
if (globalThis.crypto === undefined) globalThis.crypto = webcrypto;

const [nodeModules, command, a, b, c] = process.argv.slice(2);
const age = await import(pathToFileURL(join(nodeModules, 'age-encryption', 'dist', 'index.js')).href);
const key = (file) => readFileSync(file, 'utf8').trim();

if (command === 'keygen') {
  const identity = await age.generateHybridIdentity();
  writeFileSync(a, `${identity}\n`, { mode: 0o600 });
  writeFileSync(b, `${await age.identityToRecipient(identity)}\n`);
} else if (command === 'recipient') {
  writeFileSync(b, `${await age.identityToRecipient(key(a))}\n`);
} else if (command === 'encrypt') {
  const e = new age.Encrypter();
  e.addRecipient(key(a));
  writeFileSync(c, await e.encrypt(new Uint8Array(readFileSync(b))));
} else if (command === 'decrypt') {
  const d = new age.Decrypter();
  d.addIdentity(key(a));
  writeFileSync(c, await d.decrypt(new Uint8Array(readFileSync(b))));
} else {
  throw new Error(`unknown command: ${command}`);
}
