"""test_image.py: the GPT disk from `make image` boots from a USB stick to 'keel: ready'."""
from harness import BUILD, Failure, check
from qemu import Qemu
from report import wait_report

IMAGE = BUILD / "keel.img"


def test_gpt_image_boots_from_usb(case):
    if not IMAGE.is_file():
        raise Failure(f"{IMAGE} missing; run 'make image' first")
    # The drive is opened with snapshot=on, so the boot cannot change the image.
    with Qemu(case, IMAGE, smp=2, disk_device="usb") as vm:
        report = wait_report(vm)
    check(report.cpus == 2, f"{report.cpus} CPUs online, want 2")
