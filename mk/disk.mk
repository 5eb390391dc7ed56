# disk.mk: `make disk` builds $(BUILD)/disk.img, the GPT disk whose partitions dom0 serves to guests by name.
#
# The image is made once and never rebuilt (no prerequisites): what guests write to it
# survives `make run` after `make run`. Delete it to start again from empty partitions.
# tools/run-qemu.sh attaches it as a second virtio-blk disk when it exists. Never committed.

DISK_IMG := $(BUILD)/disk.img

$(DISK_IMG):
	@mkdir -p $(dir $@)
	@echo "  DISK    $@"
	$(Q)tools/mkdiskimg.sh $@

.PHONY: disk
disk: $(DISK_IMG)

# `make run` boots with the data disk attached.
run: $(DISK_IMG)
