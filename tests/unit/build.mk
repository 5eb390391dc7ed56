# build.mk (tests/unit): cmocka unit tests of host-compiled hypervisor, loader and shared sources.
#
# Each test is tests/unit/test_NAME.c plus one line below naming the sources it exercises:
#   $(eval $(call unit_test,NAME,SOURCES...))

UNIT_DIR   := $(BUILD)/unit
UNIT_TESTS :=

.PHONY: unit-build unit
# Second expansion: tests declared anywhere in this file (even below) are built.
.SECONDEXPANSION:
unit-build: $$(UNIT_TESTS)

# Runs every unit test; tools/run-tests.sh does the same and counts results.
unit: unit-build
	@for t in $(UNIT_TESTS); do $$t || exit 1; done

define unit_test
UNIT_TESTS += $(UNIT_DIR)/test_$(1)
$(UNIT_DIR)/test_$(1): tests/unit/test_$(1).c $(2) $$(wildcard tests/unit/*.h)
	@mkdir -p $(UNIT_DIR)
	$$(CC) $$(HOST_CFLAGS) -Itests/unit -o $$@ tests/unit/test_$(1).c $(2) -lcmocka
endef

$(eval $(call unit_test,fmt,lib/fmt.c))
$(eval $(call unit_test,cmdline,lib/cmdline.c))
$(eval $(call unit_test,cfg,lib/cfg.c lib/fmt.c boot/config.c))
$(eval $(call unit_test,boot_config,lib/cfg.c lib/fmt.c boot/config.c boot/dir_modules.c))
$(eval $(call unit_test,elf64,lib/elf64.c lib/fmt.c))
$(eval $(call unit_test,memmap,lib/memmap.c))

$(eval $(call unit_test,frame,kernel/frame.c tests/unit/panic_assert.c))
$(eval $(call unit_test,frame_contiguous,kernel/frame.c tests/unit/panic_assert.c))
$(eval $(call unit_test,acpi,arch/x86_64/acpi.c))
$(eval $(call unit_test,heap,kernel/heap.c kernel/frame.c tests/unit/panic_assert.c))
$(eval $(call unit_test,insn,arch/x86_64/insn.c))
$(eval $(call unit_test,npt,arch/x86_64/svm/npt.c kernel/frame.c tests/unit/panic_assert.c))
$(eval $(call unit_test,svm_maps,arch/x86_64/svm/intercept_maps.c))
$(eval $(call unit_test,policy,kernel/cpuid_policy.c kernel/msr_policy.c))
$(eval $(call unit_test,hypercall,kernel/hypercall.c kernel/hc_console.c kernel/console_capture.c kernel/console_log_budget.c tests/unit/arch_time_fixed.c lib/byte_history.c kernel/hc_sched.c kernel/guest_access.c arch/x86_64/guest_walk.c))
$(eval $(call unit_test,console_log_budget,kernel/console_log_budget.c))
$(eval $(call unit_test,grant,kernel/grant.c kernel/hc_grant.c))
$(eval $(call unit_test,grant_hc,kernel/grant.c kernel/hc_grant.c))
$(eval $(call unit_test,vmx_controls,arch/x86_64/vmx/vmx_controls.c))
$(eval $(call unit_test,ept,arch/x86_64/vmx/ept.c kernel/frame.c tests/unit/panic_assert.c))
$(eval $(call unit_test,sched,kernel/sched.c))
$(eval $(call unit_test,timer,kernel/timer.c))
$(eval $(call unit_test,evtchn,kernel/evtchn.c kernel/sched.c kernel/pirq.c tests/unit/platform_irq_double.c))
$(eval $(call unit_test,pirq,kernel/pirq.c kernel/evtchn.c kernel/sched.c tests/unit/platform_irq_double.c))
$(eval $(call unit_test,io_policy,kernel/io_policy.c arch/x86_64/io_bitmap.c tests/unit/platform_irq_double.c))
$(eval $(call unit_test,domctl,kernel/domctl.c kernel/sysctl.c kernel/vcpu_context.c kernel/console_capture.c lib/byte_history.c))
$(eval $(call unit_test,console_capture,kernel/console_capture.c lib/byte_history.c))
$(eval $(call unit_test,console_ring_math,))
$(eval $(call unit_test,domcfg,dom0/domcfg.c lib/cfg.c lib/cmdline.c lib/fmt.c))
$(eval $(call unit_test,restart_policy,dom0/restart_policy.c))
$(eval $(call unit_test,virtio_ring,dom0/virtio_ring.c))
$(eval $(call unit_test,console_history,dom0/console_ring.c dom0/console_history.c lib/byte_history.c))
$(eval $(call unit_test,lineedit,dom0/lineedit.c))
$(eval $(call unit_test,cli_args,dom0/cli_args.c))
$(eval $(call unit_test,tty_ring,dom0/tty_ring.c))
$(eval $(call unit_test,pci_config,dom0/pci_config.c))
$(eval $(call unit_test,gpt,dom0/gpt.c))
$(eval $(call unit_test,gpt4k,dom0/gpt.c))
$(eval $(call unit_test,blkback_check,dom0/blkback_check.c))
$(eval $(call unit_test,mmio_policy,kernel/mmio_policy.c))
$(eval $(call unit_test,p2m_uncached,arch/x86_64/vmx/ept.c arch/x86_64/svm/npt.c kernel/frame.c tests/unit/panic_assert.c))
$(eval $(call unit_test,ring,))
# The block frontend's pure part lives with the guest runtime, hence its include directory.
$(eval $(call unit_test,blkfront_req,guests/lib/blkfront_req.c))
$(UNIT_DIR)/test_blkfront_req: HOST_CFLAGS += -Iguests/lib

# io/ring.h must also compile as the freestanding images use it: built with the hypervisor's flags, never run.
RING_FREESTANDING_OBJ := $(UNIT_DIR)/ring_freestanding.o
unit-build: $(RING_FREESTANDING_OBJ)
$(RING_FREESTANDING_OBJ): tests/unit/test_ring_freestanding.c pv-abi/io/ring.h
	@mkdir -p $(UNIT_DIR)
	$(CC) $(filter-out -MMD -MP,$(HV_CFLAGS)) -c -o $@ $<

# The two-thread ring stress test streams 10^8 messages: optimised and under UBSan, but without
# ASan, whose check on every access would make it minutes long (test_ring covers the same code under ASan).
ring_comma := ,
RING_STRESS_CFLAGS := $(filter-out -O1 -fsanitize=address$(ring_comma)undefined,$(HOST_CFLAGS)) -O2 -fsanitize=undefined
UNIT_TESTS += $(UNIT_DIR)/test_ring_stress
$(UNIT_DIR)/test_ring_stress: tests/unit/test_ring_stress.c pv-abi/io/ring.h $(wildcard tests/bench/*.h)
	@mkdir -p $(UNIT_DIR)
	$(CC) $(RING_STRESS_CFLAGS) -Itests/unit -o $@ $< -lcmocka -pthread
