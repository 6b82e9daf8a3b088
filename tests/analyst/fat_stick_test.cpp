// Export bundles on a FAT32 USB stick (issue: USB sticks are FAT or exFAT):
// `cairn-relay export` places its files without link() (FAT has no hard
// links) and never replaces a file, cuts a bundle larger than the part size
// into numbered parts (FAT32 holds files of at most 4 GiB - 1 bytes), and
// the station imports the parts together.
//
// The stick is a real FAT32 file system (mkfs.vfat) mounted with fusefat:
// this machine's kernel has no vfat module, and fusefat needs no loop device.
// It has neither link() nor renameat2(RENAME_NOREPLACE), so the export's
// fallback path is the one exercised; the test checks both are missing.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include "analyst/testimony.h"
#include "station.h"
#include "support/result.h"

namespace cairn::analyst {
namespace {

using test::must;
namespace fs = std::filesystem;

std::optional<fs::path> tool(const std::string& name) {
  if (auto p = test::find_in_path(name)) return p;
  for (const char* dir : {"/usr/sbin", "/sbin"})
    if (::access((fs::path(dir) / name).c_str(), X_OK) == 0) return fs::path(dir) / name;
  return std::nullopt;
}

// A 64 MiB FAT32 image mounted read-write, unmounted at the end.
class FatStick {
 public:
  FatStick() {
    auto mkfs = tool("mkfs.vfat"), fusefat = tool("fusefat"), fusermount = tool("fusermount");
    if (!mkfs || !fusefat || !fusermount) {
      problem_ = "mkfs.vfat, fusefat or fusermount is not installed; run scripts/bootstrap.sh";
      return;
    }
    fusermount_ = *fusermount;
    int fuse = ::open("/dev/fuse", O_RDWR | O_CLOEXEC);
    if (fuse < 0) {
      skip_ = "this machine does not allow FUSE mounts (/dev/fuse), so no FAT file system can be mounted";
      return;
    }
    ::close(fuse);
    auto image = dir_ / "stick.img";
    { std::ofstream(image, std::ios::binary); }
    fs::resize_file(image, std::uintmax_t{64} << 20);
    fs::create_directory(mount_point());
    if (test::run({mkfs->string(), "-F", "32", image.string()}) != 0) {
      problem_ = "mkfs.vfat failed";
      return;
    }
    // Mounting is a capability of the machine (a container may forbid it even
    // with /dev/fuse present): without it the test cannot run, and says why.
    if (test::run({fusefat->string(), "-o", "rw+", image.string(), mount_point().string()}) != 0) {
      skip_ = "fusefat could not mount a FAT32 image here (FUSE mounts not permitted)";
      return;
    }
    mounted_ = true;
  }
  ~FatStick() {
    if (mounted_) (void)test::run({fusermount_.string(), "-u", mount_point().string()});
  }
  FatStick(const FatStick&) = delete;
  FatStick& operator=(const FatStick&) = delete;

  fs::path mount_point() const { return dir_ / "stick"; }
  fs::path operator/(const std::string& name) const { return mount_point() / name; }
  const std::string& problem() const { return problem_; }
  const std::string& skip() const { return skip_; }

 private:
  test::TempDir dir_;
  fs::path fusermount_;
  std::string problem_, skip_;
  bool mounted_ = false;
};

std::map<std::string, Bytes> snapshot(const fs::path& dir) { return test::snapshot_dir(dir); }

TEST(FatStick, ABundleSplitIntoPartsOnAFat32StickImports) {
  FatStick stick;
  ASSERT_TRUE(stick.problem().empty()) << stick.problem();
  if (!stick.skip().empty()) GTEST_SKIP() << stick.skip();

  // FAT: no hard links, no RENAME_NOREPLACE.
  {
    auto probe = stick / "probe";
    test::write_file(probe, as_bytes("x"));
    EXPECT_NE(::link(probe.c_str(), (stick / "probe-link").c_str()), 0);
    EXPECT_NE(::renameat2(AT_FDCWD, probe.c_str(), AT_FDCWD, (stick / "probe-2").c_str(), RENAME_NOREPLACE), 0);
    fs::remove(probe);
  }

  test::Station station;
  auto relay = test::two_analysts_and_a_relay(station);
  station.ok({"keys", "bundle", "--out", station.path("keys.cairn").string()});
  auto recipients = station.recipients(today_utc());
  client::SubmissionInput in;
  in.text = "Зарплату не платили три месяца.";
  Bytes file(150000);
  for (std::size_t i = 0; i < file.size(); ++i) file[i] = static_cast<std::uint8_t>(i * 13 + 1);
  in.attachments.push_back({"scan.pdf", "application/pdf", file});
  auto drops = test::seal_all(test::submission_bodies(in, recipients), recipients);
  for (const char* text : {"one", "two", "three"}) drops.push_back(test::seal(test::text_body(text), recipients));
  relay->put(drops);

  // Parts of at most 100 KiB: the 8 drops of 32 KiB need several.
  constexpr std::uint64_t kPart = 100 * 1024;
  auto out = stick / "export.cairn";
  auto report = must(relay::export_drops(relay->store(), out, today_utc(), wire::kMaxExportDrops, kPart), "export");
  ASSERT_GE(report.files.size(), 3u);
  for (std::size_t i = 0; i < report.files.size(); ++i) {
    EXPECT_EQ(report.files[i], fs::path(wire::export_part_name(out.string(), i + 1)));
    EXPECT_LE(fs::file_size(report.files[i]), kPart);
  }
  EXPECT_FALSE(fs::exists(out));
  for (const auto& e : fs::directory_iterator(stick.mount_point()))
    EXPECT_EQ(e.path().string().find(".partial"), std::string::npos) << e.path();

  // Never replaced: a second export under the same name is refused, the stick unchanged.
  auto on_stick = snapshot(stick.mount_point());
  auto again = relay::export_drops(relay->store(), out, today_utc(), wire::kMaxExportDrops, kPart);
  EXPECT_EQ(test::code_of(again), Errc::already_exists);
  EXPECT_EQ(snapshot(stick.mount_point()), on_stick);

  // A part missing: refused, the vault unchanged.
  test::TempDir copy;
  auto partial = copy / "export.cairn";
  fs::copy_file(report.files[0], wire::export_part_name(partial.string(), 1));
  fs::copy_file(report.files[2], wire::export_part_name(partial.string(), 2));  // part 2 lost
  auto vault_before = test::snapshot_dir(station.vault());
  auto refused = station.run({"import", partial.string()});
  EXPECT_NE(refused.exit_code, 0);
  EXPECT_NE(refused.err.find("cairn: hint: the vault was not changed"), std::string::npos) << refused.err;
  EXPECT_EQ(test::snapshot_dir(station.vault()), vault_before);

  // The parts, read from the stick together, import everything.
  auto imported = station.ok({"import", out.string(), "--receipt", (stick / "receipt.cairn").string()});
  EXPECT_NE(imported.out.find(std::to_string(drops.size()) + " drop(s)"), std::string::npos) << imported.out;
  auto v = station.open();
  auto all = must(list_testimonies(*v), "list");
  ASSERT_EQ(all.size(), 4u);
  EXPECT_TRUE(std::all_of(all.begin(), all.end(), [](const auto& s) { return s.state == TestimonyState::complete; }));
  EXPECT_TRUE(fs::exists(stick / "receipt.cairn"));

  // One part when it fits: the file has the name asked for.
  auto single = must(relay::export_drops(relay->store(), stick / "whole.cairn", today_utc()), "export");
  ASSERT_EQ(single.files.size(), 1u);
  EXPECT_EQ(single.files[0], stick / "whole.cairn");
  EXPECT_FALSE(fs::exists(wire::export_part_name((stick / "whole.cairn").string(), 1)));
  v.reset();
  auto whole = station.ok({"import", (stick / "whole.cairn").string()});
  EXPECT_NE(whole.out.find(std::to_string(drops.size()) + " drop(s) already imported earlier"), std::string::npos)
      << whole.out;
}

}  // namespace
}  // namespace cairn::analyst
