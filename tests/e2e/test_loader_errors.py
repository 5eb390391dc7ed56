"""test_loader_errors.py: the loader reports a missing or corrupt hypervisor and a bad keel.cfg line, in one line."""
from esp import CFG, ESP_DIR, HV, make_esp
from harness import check
from qemu import Qemu

# After the error the loader returns to OVMF, which moves on to its other boot options; we stop there.
ERROR = r"keel-boot: error: (.*)$"


def loader_error(case, **esp_changes):
    with Qemu(case, make_esp(case, **esp_changes)) as vm:
        line = vm.wait_for(ERROR, fail_on=r"keel: ready|Keel \S+ boot report").group(1)
        text = vm.text()
    check(text.count("keel-boot: error:") == 1, "more than one 'keel-boot: error:' line")
    check("boot report" not in text, "the hypervisor ran despite the error")
    return line


def hv_reason(line):
    """The reason after '\\keel\\keel.elf: ' in an error line; fails if there is none."""
    prefix = "\\keel\\keel.elf: "
    check(line.startswith(prefix) and line[len(prefix):].strip(),
          f"error {line!r} should be '{prefix}' and then a reason")
    return line[len(prefix):].strip()


def test_loader_error_missing_hypervisor(case):
    line = loader_error(case, remove=[HV])
    check(r"\keel\keel.elf" in line and "not found" in line,
          rf"error {line!r} should name \keel\keel.elf and say 'not found'")


def test_loader_error_cfg_names_missing_file(case):
    line = loader_error(case, cfg={"hypervisor": r"\keel\nowhere.elf"})
    check(r"\keel\nowhere.elf" in line and "not found" in line,
          rf"error {line!r} should name \keel\nowhere.elf and say 'not found'")


def test_loader_error_garbage_hypervisor(case):
    # Not an ELF at all: the reason must say so, and the loader must not jump anywhere.
    line = loader_error(case, files={HV: bytes(range(256)) * 64})
    reason = hv_reason(line)
    check("ELF" in reason, f"reason {reason!r} should say the file is not an ELF image")


def test_loader_error_truncated_hypervisor(case):
    # A real ELF header whose program headers and segments lie past the end of the file.
    head = (ESP_DIR / HV).read_bytes()[:100]
    check(head[:4] == b"\x7fELF", "build/esp/keel/keel.elf is not an ELF file")
    line = loader_error(case, files={HV: head})
    hv_reason(line)


def test_loader_error_cfg_unknown_key(case):
    line = loader_error(case, cfg_append="frobnicate = yes")
    # The bad line was appended, so it is the last line of the test's keel.cfg.
    line_no = len(case.path("esp/" + CFG).read_text().splitlines())
    want = rf"\keel\keel.cfg line {line_no}: unknown key 'frobnicate'"
    check(want in line, f"error {line!r} should contain {want!r}")
