// The vault: its KDF parameters file, the passphrase, and what init, analyst
// add and relay add leave in it.
#include <gtest/gtest.h>
#include <poll.h>
#include <sys/stat.h>

#include "analyst/vault_params.h"
#include "station.h"
#include "support/result.h"

namespace cairn::analyst {
namespace {

using test::code_of;
using test::Station;
namespace fs = std::filesystem;

TEST(VaultParams, RoundTripAndFreshSalt) {
  auto a = new_vault_params(false), b = new_vault_params(false);
  EXPECT_NE(a.salt, b.salt);
  auto parsed = parse_vault_params(encode_vault_params(a));
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  EXPECT_EQ(parsed->salt, a.salt);
  EXPECT_EQ(parsed->cost.ops, crypto::Argon2Cost::sensitive().ops);
  EXPECT_EQ(parsed->cost.memory_bytes, crypto::Argon2Cost::sensitive().memory_bytes);
  EXPECT_FALSE(parsed->insecure_fast_kdf);
  auto fast = parse_vault_params(encode_vault_params(new_vault_params(true)));
  ASSERT_TRUE(fast.ok());
  EXPECT_TRUE(fast->insecure_fast_kdf);
  EXPECT_EQ(fast->cost.memory_bytes, crypto::Argon2Cost::test_only_minimum().memory_bytes);
}

TEST(VaultParams, RejectsAnythingElseSpecifically) {
  std::string good = encode_vault_params(new_vault_params(false));
  auto replace = [&](const std::string& from, const std::string& to) {
    auto s = good;
    s.replace(s.find(from), from.size(), to);
    return s;
  };
  struct Case {
    std::string text;
    Errc code;
  } cases[] = {
      {"", Errc::malformed},
      {"hello\n", Errc::malformed},
      {replace("cairn vault v1", "cairn vault v2"), Errc::unsupported},
      {replace("argon2id", "scrypt"), Errc::unsupported},
      {replace("salt ", "salt 00"), Errc::malformed},
      {replace("ops 3", "ops x"), Errc::malformed},
      {replace("ops 3", "ops 03"), Errc::malformed},
      {replace("ops 3", "ops 1"), Errc::malformed},                      // weaker, not marked as a test vault
      {replace("memory-kib 262144", "memory-kib 8"), Errc::malformed},  // same
      {replace("memory-kib 262144", "memory-kib 99999999999"), Errc::malformed},  // would exhaust memory
      {replace("ops 3", "ops 1000"), Errc::malformed},
      {replace("insecure-fast-kdf no", "insecure-fast-kdf maybe"), Errc::malformed},
      {good + "extra line\n", Errc::malformed},
      {std::string(2000, 'a'), Errc::too_large},
  };
  for (const auto& c : cases) EXPECT_EQ(code_of(parse_vault_params(c.text)), c.code) << c.text;
}

TEST(Vault, InitPrintsTheOrganisationKeyAndMakesAPrivateVault) {
  Station s;
  s.init("kim");
  EXPECT_TRUE(s.org_text().starts_with("cairn-org1"));
  struct stat st {};
  ASSERT_EQ(::stat(s.vault().c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
  ASSERT_EQ(::stat((s.vault() / "vault.db").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 077, 0u);
  // The vault holds the organisation key, analyst kim and one messaging key.
  auto v = s.open();
  EXPECT_EQ(test::must(organisation_public_key(*v), "org"), s.org());
  auto people = test::must(analysts(*v), "analysts");
  ASSERT_EQ(people.size(), 1u);
  EXPECT_EQ(people[0].name, "kim");
  EXPECT_EQ(test::must(messaging_keys(*v), "keys").size(), 1u);
}

TEST(Vault, TheDatabaseIsEncrypted) {
  Station s;
  s.init("kim-analyst-name");
  auto db = test::read_file(s.vault() / "vault.db");
  auto text = std::string(db.begin(), db.end());
  EXPECT_EQ(text.find("SQLite format"), std::string::npos);
  EXPECT_EQ(text.find("kim-analyst-name"), std::string::npos);
  EXPECT_EQ(text.find("CREATE TABLE"), std::string::npos);
}

TEST(Vault, InitRefusesAnExistingVault) {
  Station s;
  s.init();
  auto before = test::snapshot_dir(s.vault());
  auto r = s.run({"init", "--name", "lee", "--insecure-fast-kdf"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("refusing to create a vault"), std::string::npos) << r.err;
  EXPECT_EQ(test::snapshot_dir(s.vault()), before);
}

TEST(Vault, WrongPassphraseIsASpecificErrorAndChangesNothing) {
  Station s;
  s.init();
  auto before = test::snapshot_dir(s.vault());
  for (const std::vector<std::string>& cmd :
       {std::vector<std::string>{"list"}, {"analyst", "add", "lee"}, {"keys", "rotate"}}) {
    auto r = s.run(cmd, std::nullopt, "not the passphrase");
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.err.find("cairn: error: the passphrase is wrong"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("cairn: hint: the vault was not changed"), std::string::npos) << r.err;
    EXPECT_EQ(test::snapshot_dir(s.vault()), before);
  }
  // And the library says so with its own code.
  auto v = Vault::open(s.vault(), crypto::Secret::copy_of(as_bytes("wrong")));
  EXPECT_EQ(code_of(v), Errc::decrypt_failed);
  EXPECT_EQ(test::snapshot_dir(s.vault()), before);
}

TEST(Vault, PassphraseFromADescriptorIsOneLine) {
  Station s;
  s.init();
  // CR LF endings are accepted, and nothing after the first line is read as the passphrase.
  auto r = test::run_capture({test::analyst_binary(), "--vault", s.vault().string(), "--passphrase-fd", "0", "list"},
                             s.passphrase() + "\r\nsomething else\n");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  auto empty = test::run_capture({test::analyst_binary(), "--vault", s.vault().string(), "--passphrase-fd", "0", "list"},
                                 "\n");
  EXPECT_NE(empty.err.find("the passphrase is empty"), std::string::npos) << empty.err;
}

TEST(Vault, WithoutATerminalOrDescriptorThePassphraseIsNotAsked) {
  Station s;
  s.init();
  auto r = test::run_capture({test::analyst_binary(), "--vault", s.vault().string(), "list"}, s.passphrase() + "\n");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("standard input is not a terminal"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("--passphrase-fd"), std::string::npos) << r.err;
}

// At a terminal: asked twice at init, never echoed; two different entries are refused.
struct TerminalSession {
  std::string output;
  int exit_code = -1;
};

TerminalSession type_at_terminal(const std::vector<std::string>& argv, const std::vector<std::string>& lines) {
  TerminalSession session;
  int master = -1;
  pid_t pid = ::forkpty(&master, nullptr, nullptr, nullptr);
  if (pid == 0) {
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    ::execv(args[0], args.data());
    ::_exit(127);
  }
  if (pid < 0) return session;
  auto read_until = [&](const std::string& marker) {
    char buf[1024];
    while (session.output.find(marker) == std::string::npos) {
      pollfd p{master, POLLIN, 0};
      if (::poll(&p, 1, 20000) <= 0) {  // a program stuck waiting must not hang the test suite
        ADD_FAILURE() << "no output from the program for 20 s; output so far: " << session.output;
        ::kill(pid, SIGKILL);
        return false;
      }
      ssize_t n = ::read(master, buf, sizeof buf);
      if (n <= 0) return false;
      session.output.append(buf, static_cast<std::size_t>(n));
    }
    return true;
  };
  std::size_t prompts = 0;
  for (const auto& line : lines) {
    if (!read_until(prompts == 0 ? "passphrase: " : "again: ")) break;
    ++prompts;
    auto text = line + "\n";
    if (::write(master, text.data(), text.size()) != static_cast<ssize_t>(text.size())) break;
  }
  read_until("\x04never");  // drain until the program closes the terminal
  int status = 0;
  ::waitpid(pid, &status, 0);
  ::close(master);
  session.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return session;
}

TEST(Vault, AtATerminalThePassphraseIsAskedTwiceAndNeverEchoed) {
  test::TempDir dir;
  auto vault = (dir / "vault").string();
  auto made = type_at_terminal({test::analyst_binary(), "--vault", vault, "init", "--name", "kim", "--insecure-fast-kdf"},
                               {"tiger lily moon river", "tiger lily moon river"});
  EXPECT_EQ(made.exit_code, 0) << made.output;
  EXPECT_NE(made.output.find("New vault passphrase: "), std::string::npos) << made.output;
  EXPECT_NE(made.output.find("cairn-org1"), std::string::npos) << made.output;
  EXPECT_EQ(made.output.find("tiger lily"), std::string::npos) << "the passphrase was echoed";
  auto listed = type_at_terminal({test::analyst_binary(), "--vault", vault, "list"}, {"tiger lily moon river"});
  EXPECT_EQ(listed.exit_code, 0) << listed.output;
  EXPECT_NE(listed.output.find("no testimony yet"), std::string::npos) << listed.output;

  auto other = (dir / "other").string();
  auto differ = type_at_terminal({test::analyst_binary(), "--vault", other, "init", "--name", "kim", "--insecure-fast-kdf"},
                                 {"first one", "second one"});
  EXPECT_EQ(differ.exit_code, 1);
  EXPECT_NE(differ.output.find("the two passphrases are not the same"), std::string::npos) << differ.output;
  EXPECT_FALSE(fs::exists(other + "/vault.db"));
}

TEST(Vault, InsecureFastKdfIsWarnedAboutOnEveryUse) {
  Station s;
  s.init();
  auto r = s.ok({"list"});
  EXPECT_NE(r.err.find("fast, insecure passphrase key derivation"), std::string::npos) << r.err;
  auto params = test::read_text(s.vault() / "vault.params");
  EXPECT_NE(params.find("insecure-fast-kdf yes"), std::string::npos);
}

TEST(Vault, NoVaultIsASpecificError) {
  Station s;
  auto r = s.run({"list"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("there is no vault in"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("cairn-analyst init"), std::string::npos) << r.err;
}

TEST(Vault, AnalystsHaveIdentityAndMessagingKeysCertifiedByTheOrganisation) {
  Station s;
  s.init("kim");
  s.ok({"analyst", "add", "이영희"});
  auto dup = s.run({"analyst", "add", "kim"});
  EXPECT_NE(dup.err.find("already an analyst named 'kim'"), std::string::npos) << dup.err;
  auto bad = s.run({"analyst", "add", "evil\x1b[2J"});
  EXPECT_EQ(bad.exit_code, 1);
  auto v = s.open();
  auto people = test::must(analysts(*v), "analysts");
  ASSERT_EQ(people.size(), 2u);
  auto keys = test::must(messaging_keys(*v), "keys");
  ASSERT_EQ(keys.size(), 2u);
  for (std::size_t i = 0; i < 2; ++i) {
    auto id_cert = test::must(crypto::parse_certificate(people[i].identity_certificate), "identity cert");
    auto analyst = crypto::verify_analyst_identity(id_cert, s.org(), today_utc());
    ASSERT_TRUE(analyst.ok()) << analyst.error().message;
    auto msg_cert = test::must(crypto::parse_certificate(keys[i].certificate), "messaging cert");
    auto key = crypto::verify_analyst_messaging(msg_cert, *analyst, today_utc());
    ASSERT_TRUE(key.ok()) << key.error().message;
    EXPECT_EQ(*key, keys[i].public_key);
    EXPECT_EQ(keys[i].not_after_day - keys[i].created_day + 1, kMessagingKeyValidDays);
  }
}

TEST(Vault, RelaysAreCertifiedOnceUnderOneName) {
  Station s;
  s.init();
  test::LocalRelay relay(s.org()), other(s.org());
  s.ok({"relay", "add", "relay-1", relay.keys_text()});
  s.ok({"relay", "add", "relay-1", relay.keys_text()});  // renewing is fine
  auto clash = s.run({"relay", "add", "relay-1", other.keys_text()});
  EXPECT_NE(clash.err.find("already certified with other keys"), std::string::npos) << clash.err;
  auto rename = s.run({"relay", "add", "relay-2", relay.keys_text()});
  EXPECT_NE(rename.err.find("already certified as relay 'relay-1'"), std::string::npos) << rename.err;
  auto typo_text = relay.keys_text();
  typo_text[20] = typo_text[20] == 'q' ? 'p' : 'q';
  auto typo = s.run({"relay", "add", "relay-3", typo_text});
  EXPECT_EQ(typo.exit_code, 1);
  EXPECT_NE(typo.err.find("cairn: hint: copy the cairn-relay1"), std::string::npos) << typo.err;
  auto v = s.open();
  auto known = test::must(relays(*v), "relays");
  ASSERT_EQ(known.size(), 1u);
  auto cert = test::must(crypto::parse_certificate(known[0].signing_certificate), "signing cert");
  auto key = crypto::verify_relay_signing(cert, s.org(), today_utc());
  ASSERT_TRUE(key.ok()) << key.error().message;
  EXPECT_EQ(*key, relay.keys().signing);
}

}  // namespace
}  // namespace cairn::analyst
