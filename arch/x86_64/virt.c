/* virt.c: choosing the virtualization backend for this CPU (VMX on Intel, SVM on AMD). */
#include "virt.h"

#include "cpu.h"
#include "log.h"

const struct virt_ops *virt;

const struct virt_ops *virt_detect(void)
{
	const struct virt_ops *ops = NULL;
	if (cpuid(1, 0).ecx & (1u << 5))
		ops = &vmx_ops;
	else if (cpuid(0x80000000, 0).eax >= 0x80000001 && (cpuid(0x80000001, 0).ecx & (1u << 2)))
		ops = &svm_ops;
	if (!ops) {
		pr_err("keel: this CPU has neither VMX nor SVM; no guest can run\n");
		return NULL;
	}
	int rc = ops->cpu_enable();
	if (rc < 0) {
		pr_err("keel: %s is present but cannot be used (error %d); no guest can run\n", ops->name, rc);
		return NULL;
	}
	return ops;
}
