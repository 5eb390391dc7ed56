# image.mk: `make image` writes build/keel.img, a GPT disk with one EFI System Partition, ready to dd to a USB stick.

IMAGE := $(BUILD)/keel.img

# The same files as build/esp/, so the stick boots exactly what `make run` boots.
$(IMAGE): $(ESP_FILES) tools/mkgptimg.sh
	@echo "  GPT     $@"
	$(Q)tools/mkgptimg.sh $(ESP_DIR) $@ $(ESP_SIZE_MIB)
	@echo "  write it to a USB stick (sdX = the whole stick, see docs/booting.md):"
	@echo "    sudo dd if=$@ of=/dev/sdX bs=4M conv=fsync status=progress"

.PHONY: image
image: $(IMAGE)
