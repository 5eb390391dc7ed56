# disk.mk: `make disk` builds $(BUILD)/disk.img, the GPT disk whose partitions dom0 serves to guests by name.
#
# The image is kept from run to run: what guests write to it (minios's key/value store, for
# one) survives `make run` after `make run`. It is only written anew when it is missing or its
# partition layout is older than tools/mkdiskimg.sh's (the version is kept in disk.img.layout),
# so the check runs every time and is cheap. Delete it to start again from empty partitions.
# tools/run-qemu.sh attaches it as a second virtio-blk disk when it exists. Never committed.

DISK_IMG := $(BUILD)/disk.img

.PHONY: disk disk-check
disk-check:
	@mkdir -p $(dir $(DISK_IMG))
	$(Q)tools/mkdiskimg.sh --if-outdated $(DISK_IMG)

$(DISK_IMG): disk-check

disk: $(DISK_IMG)

# `make run` boots with the data disk attached.
run: $(DISK_IMG)
