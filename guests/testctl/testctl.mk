# testctl.mk (included by mk/guests.mk): the privileged test controller and the domains it builds.
#
# guests/testctl/*.c          -> build/guests/testctl.elf   (dom0: 'dom0 = \keel\guests\testctl.elf SCENARIOS')
# guests/testctl/domu/NAME.c  -> build/guests/tc-NAME.elf   (shipped as modules; testctl builds them)

TESTCTL_SRCS  := $(wildcard guests/testctl/*.c)
TESTCTL_DOMUS := $(patsubst guests/testctl/domu/%.c,%,$(wildcard guests/testctl/domu/*.c))

GUEST_ELFS += $(GUEST_DIR)/testctl.elf $(patsubst %,$(GUEST_DIR)/tc-%.elf,$(TESTCTL_DOMUS))
$(eval $(call guest_elf,$(GUEST_DIR)/testctl.elf,$(TESTCTL_SRCS)))
$(foreach t,$(TESTCTL_DOMUS),$(eval $(call guest_elf,$(GUEST_DIR)/tc-$(t).elf,guests/testctl/domu/$(t).c)))
