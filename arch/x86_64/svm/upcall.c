/* upcall.c: delivering the event-channel upcall on SVM with a virtual interrupt (V_IRQ). */
#include "svm/svm.h"

/*
 * With V_INTR_MASKING on (vmcb.c), V_IRQ is a virtual interrupt the processor itself
 * delivers through the guest's IDT once the guest's RFLAGS.IF is 1 and no interrupt shadow
 * is active, exactly when a real one would be taken (APM 15.21.4). V_IGN_TPR and the
 * highest V_INTR_PRIO keep the guest's CR8 from holding it back: the upcall has no
 * priority of its own. Taking it clears V_IRQ; the kernel sets it again before each entry
 * while the upcall is still due, so nothing else needs tracking here.
 */
void svm_set_upcall(struct vcpu_arch *va, uint8_t vector, bool pending)
{
	struct vmcb_control *c = &va->vmcb->control;
	uint64_t vintr = c->vintr & ~(SVM_VINTR_IRQ | SVM_VINTR_IGN_TPR | SVM_VINTR_PRIO_MASK | SVM_VINTR_VECTOR_MASK);
	if (pending)
		vintr |= SVM_VINTR_IRQ | SVM_VINTR_IGN_TPR | SVM_VINTR_PRIO_MASK |
			 ((uint64_t)vector << SVM_VINTR_VECTOR_SHIFT);
	c->vintr = vintr;
}
