# esp.mk: `make esp` lays out the EFI System Partition in build/esp/ and packs it into build/esp.img.

ESP_DIR := $(BUILD)/esp
ESP_IMG := $(BUILD)/esp.img
ESP_CFG ?= config/keel.cfg
# 64 MiB leaves room for dom0 and guest images next to the hypervisor.
ESP_SIZE_MIB := 64

# Other makefiles append files here to ship them in \keel\ (e.g. dom0 and guest images).
ESP_MODULES ?=

ESP_FILES := $(ESP_DIR)/EFI/BOOT/BOOTX64.EFI $(ESP_DIR)/keel/keel.elf $(ESP_DIR)/keel/keel.cfg \
	$(ESP_DIR)/keel/dom0.elf $(addprefix $(ESP_DIR)/keel/,$(notdir $(ESP_MODULES)))

# \EFI\BOOT\BOOTX64.EFI is the removable-media path every UEFI firmware boots without a boot entry.
$(ESP_DIR)/EFI/BOOT/BOOTX64.EFI: $(BOOT_EFI)
	@mkdir -p $(dir $@)
	@echo "  ESP     $@"
	$(Q)cp $< $@

# Debug info only slows the loader down; symbols stay (for backtraces), gdb reads build/keel.elf.
$(ESP_DIR)/keel/keel.elf: $(HV_ELF)
	@mkdir -p $(dir $@)
	@echo "  ESP     $@"
	$(Q)$(OBJCOPY) --strip-debug $< $@

# dom0 (mk/dom0.mk), which a keel.cfg line 'dom0 = \keel\dom0.elf' starts; stripped like the hypervisor.
$(ESP_DIR)/keel/dom0.elf: $(BUILD)/dom0.elf
	@mkdir -p $(dir $@)
	@echo "  ESP     $@"
	$(Q)$(OBJCOPY) --strip-debug $< $@

$(ESP_DIR)/keel/keel.cfg: $(ESP_CFG)
	@mkdir -p $(dir $@)
	@echo "  ESP     $@"
	$(Q)cp $< $@

define esp_module
$(ESP_DIR)/keel/$(notdir $(1)): $(1)
	@mkdir -p $$(dir $$@)
	@echo "  ESP     $$@"
	$(Q)cp $$< $$@
endef
$(foreach m,$(ESP_MODULES),$(eval $(call esp_module,$(m))))

# Domain configs (config/domains/NAME.cfg) go to \keel\domains\, which dom0 receives through a
# 'module_dir = \keel\domains' line. The directory is made even with no config in it, so that line
# never names a missing directory (the loader stops on one). The directory itself is a prerequisite
# of the images: when a config appears in it or goes, its time changes and they are packed again.
ESP_DOMAIN_DIR := $(ESP_DIR)/keel/domains
ESP_DOMAINS := $(patsubst config/domains/%,$(ESP_DOMAIN_DIR)/%,$(wildcard config/domains/*.cfg))
ESP_FILES += $(ESP_DOMAINS) $(ESP_DOMAIN_DIR)

$(ESP_DOMAIN_DIR):
	$(Q)mkdir -p $@

$(ESP_DOMAIN_DIR)/%.cfg: config/domains/%.cfg | $(ESP_DOMAIN_DIR)
	@echo "  ESP     $@"
	$(Q)cp $< $@

$(ESP_IMG): $(ESP_FILES) tools/mkfatimg.sh
	@echo "  FAT     $@"
	$(Q)tools/mkfatimg.sh $(ESP_DIR) $@ $(ESP_SIZE_MIB) KEEL-ESP

.PHONY: esp
esp: $(ESP_IMG)
