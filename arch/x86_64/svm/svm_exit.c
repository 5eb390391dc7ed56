/* svm_exit.c: decoding a #VMEXIT (EXITCODE, EXITINFO1/2) into the vendor-neutral struct virt_exit. */
#include "svm/svm.h"

#include "cpu.h"

#define CR0_CD (1ull << 30)
#define CR0_NW (1ull << 29)
#define SEG_ATTR_L  (1u << 9)
#define SEG_ATTR_DB (1u << 10)

/*
 * VMEXIT_INVALID only says that one of the checks of APM 15.5.1 failed. Re-checking the
 * likely ones turns that into a sentence worth printing.
 */
static const char *explain_invalid(const struct vmcb *v)
{
	const struct vmcb_save *s = &v->save;
	if (!(s->efer & EFER_SVME))
		return "VMRUN refused the VMCB: guest EFER.SVME is clear";
	if (!(v->control.intercept_misc2 & SVM_INTERCEPT2_VMRUN))
		return "VMRUN refused the VMCB: the VMRUN intercept is clear";
	if (v->control.guest_asid == 0)
		return "VMRUN refused the VMCB: guest ASID is 0";
	if ((s->cr0 >> 32) || (!(s->cr0 & CR0_CD) && (s->cr0 & CR0_NW)))
		return "VMRUN refused the VMCB: illegal CR0";
	if ((s->efer & EFER_LME) && (s->cr0 & CR0_PG) && !(s->cr4 & CR4_PAE))
		return "VMRUN refused the VMCB: long mode paging without CR4.PAE";
	if ((s->efer & EFER_LME) && (s->cr0 & CR0_PG) && !(s->cr0 & CR0_PE))
		return "VMRUN refused the VMCB: long mode paging without CR0.PE";
	if ((s->efer & EFER_LME) && (s->cr0 & CR0_PG) && (s->cs.attrib & SEG_ATTR_L) &&
	    (s->cs.attrib & SEG_ATTR_DB))
		return "VMRUN refused the VMCB: CS has both L and D set";
	if ((s->dr6 >> 32) || (s->dr7 >> 32))
		return "VMRUN refused the VMCB: DR6/DR7 upper half not zero";
	if (v->control.eventinj & SVM_EVENT_VALID)
		return "VMRUN refused the VMCB: illegal EVENTINJ, or another state check (APM 15.5.1)";
	return "VMRUN refused the VMCB: a state consistency check failed (APM 15.5.1)";
}

static uint8_t io_size(uint64_t info1)
{
	if (info1 & SVM_IOIO_SIZE32)
		return 4;
	if (info1 & SVM_IOIO_SIZE16)
		return 2;
	return 1;
}

static uint32_t npf_access(uint64_t info1)
{
	if (info1 & SVM_NPF_FETCH)
		return VIRT_ACCESS_EXEC;
	if (info1 & SVM_NPF_WRITE)
		return VIRT_ACCESS_WRITE;
	return VIRT_ACCESS_READ;
}

/* Length of the intercepted instruction when the CPU saved the next RIP; 0 = kernel decodes. */
static uint32_t nrip_length(const struct vmcb *v, const struct svm_caps *caps)
{
	if (!caps->nrip_save || v->control.next_rip <= v->save.rip)
		return 0;
	uint64_t len = v->control.next_rip - v->save.rip;
	return len <= 15 ? (uint32_t)len : 0;
}

void svm_decode_exit(const struct vmcb *v, const struct svm_caps *caps, struct virt_exit *exit)
{
	const struct vmcb_control *c = &v->control;
	uint64_t code = c->exitcode;
	/*
	 * EXITCODE is 64 bits wide and VMEXIT_INVALID/BUSY are -1/-2 (APM 15.6), but QEMU's
	 * TCG stores them as 32-bit values. No real exit code comes near 0xffff_0000.
	 */
	if ((code >> 32) == 0 && (uint32_t)code >= (uint32_t)SVM_EXIT_BUSY)
		code |= 0xffffffff00000000ull;

	*exit = (struct virt_exit){ .reason = VIRT_EXIT_UNHANDLED, .raw = code };
	switch (code) {
	case SVM_EXIT_INTR:
	case SVM_EXIT_NMI:
		exit->reason = VIRT_EXIT_NONE;
		break;
	case SVM_EXIT_VMMCALL:
		exit->reason = VIRT_EXIT_HYPERCALL;
		exit->insn_len = nrip_length(v, caps);
		break;
	case SVM_EXIT_CPUID:
		exit->reason = VIRT_EXIT_CPUID;
		exit->insn_len = nrip_length(v, caps);
		break;
	case SVM_EXIT_HLT:
		exit->reason = VIRT_EXIT_HLT;
		exit->insn_len = nrip_length(v, caps);
		break;
	case SVM_EXIT_MSR:
		exit->reason = c->exitinfo1 ? VIRT_EXIT_WRMSR : VIRT_EXIT_RDMSR;
		exit->insn_len = nrip_length(v, caps);
		break;
	case SVM_EXIT_IOIO:
		exit->reason = VIRT_EXIT_IO;
		exit->io_port = (uint16_t)(c->exitinfo1 >> SVM_IOIO_PORT_SHIFT);
		exit->io_size = io_size(c->exitinfo1);
		exit->io_in = c->exitinfo1 & SVM_IOIO_TYPE_IN;
		/* Every SVM CPU gives the next RIP of an IOIO exit in EXITINFO2, NRIP save or not. */
		if (c->exitinfo2 > v->save.rip && c->exitinfo2 - v->save.rip <= 15)
			exit->insn_len = (uint32_t)(c->exitinfo2 - v->save.rip);
		break;
	case SVM_EXIT_MONITOR:
		exit->reason = VIRT_EXIT_MONITOR;
		break;
	case SVM_EXIT_MWAIT:
	case SVM_EXIT_MWAIT_ARMED:
		exit->reason = VIRT_EXIT_MWAIT;
		break;
	case SVM_EXIT_XSETBV:
		exit->reason = VIRT_EXIT_XSETBV;
		break;
	/* vmcb.c intercepts every SVM instruction: the guest's EFER.SVME makes them all legal. */
	case SVM_EXIT_VMRUN:
	case SVM_EXIT_VMLOAD:
	case SVM_EXIT_VMSAVE:
	case SVM_EXIT_STGI:
	case SVM_EXIT_CLGI:
	case SVM_EXIT_SKINIT:
	case SVM_EXIT_INVLPGA:
		exit->reason = VIRT_EXIT_VIRT_INSN;
		break;
	case SVM_EXIT_NPF:
		exit->reason = VIRT_EXIT_MEM_VIOLATION;
		exit->gpa = c->exitinfo2;
		exit->access = npf_access(c->exitinfo1);
		break;
	case SVM_EXIT_SHUTDOWN:
		exit->reason = VIRT_EXIT_TRIPLE_FAULT;
		break;
	case SVM_EXIT_INVALID:
		exit->reason = VIRT_EXIT_ENTRY_FAILED;
		exit->detail = explain_invalid(v);
		break;
	case SVM_EXIT_BUSY:
		exit->reason = VIRT_EXIT_ENTRY_FAILED;
		exit->detail = "VMRUN refused the VMCB: it is busy (in use by another CPU)";
		break;
	default:
		break;
	}
}
