/* iso_grant_foreign.c: isolation attack: mapping or copying other domains' frames without a grant (refs never granted, refs granted to dom0), and foreign maps as a domU. */
#include "cmdline.h"
#include "control.h"
#include "grant.h"
#include "hypercall.h"
#include "iso_attack.h"

const char xtf_test_name[] = "iso_grant_foreign";

/* Refs tried in each other domain: the low ones (where real grants sit) and the top of the table. */
#define LOW_REFS 64
static const uint32_t high_refs[] = { KEEL_GRANT_MAX_REFS - 2, KEEL_GRANT_MAX_REFS - 1 };

static uint8_t landing[4096] __attribute__((aligned(4096)));

/* A grant not meant for the caller is -EPERM; a ref that was never granted is -EINVAL. */
static int refused(long rc)
{
	return rc == -KEEL_EPERM || rc == -KEEL_EINVAL;
}

static unsigned long eperm_hits;
/* Which low refs of the domain under attack answered -EPERM: granted, but to someone else. */
static uint8_t eperm_refs[LOW_REFS];

static void count(const char *what, uint32_t domid, uint32_t ref, long rc)
{
	iso_attempts++;
	if (refused(rc)) {
		iso_refused++;
		eperm_hits += rc == -KEEL_EPERM;
		if (rc == -KEEL_EPERM && ref < LOW_REFS)
			eperm_refs[ref]++;
	} else {
		xtf_failure("%s of dom%u ref %u returned %ld", what, domid, ref, rc);
	}
}

static void attack_domain(uint32_t domid)
{
	uint32_t handle;
	for (uint32_t i = 0; i < LOW_REFS + sizeof high_refs / sizeof high_refs[0]; i++) {
		uint32_t ref = i < LOW_REFS ? i : high_refs[i - LOW_REFS];
		count("MAP", domid, ref, grant_map(domid, ref, KEEL_GRANT_WINDOW_BASE, 0, &handle));
		count("MAP read-only", domid, ref,
		      grant_map(domid, ref, KEEL_GRANT_WINDOW_BASE, KEEL_GNTF_READONLY, &handle));
	}
	/* COPY both ways through every low ref, in batches: each entry fails on its own. */
	static struct keel_gnttab_copy ops[KEEL_GRANT_COPY_MAX];
	for (uint32_t first = 0; first < LOW_REFS; first += KEEL_GRANT_COPY_MAX)
		for (int to_them = 0; to_them < 2; to_them++) {
			for (uint32_t k = 0; k < KEEL_GRANT_COPY_MAX; k++) {
				struct keel_gnttab_copy_ptr theirs = { .domid = domid, .ref = first + k };
				struct keel_gnttab_copy_ptr mine = { .domid = KEEL_DOMID_SELF, .gpa = (uintptr_t)landing };
				ops[k] = (struct keel_gnttab_copy){ .src = to_them ? mine : theirs,
								   .dst = to_them ? theirs : mine, .len = 64, .status = 1 };
			}
			iso_expect("COPY batch", grant_copy(ops, KEEL_GRANT_COPY_MAX), 0);
			for (uint32_t k = 0; k < KEEL_GRANT_COPY_MAX; k++)
				count(to_them ? "COPY into" : "COPY from", domid, first + k, ops[k].status);
		}
	/* The privileged way in: a foreign map of its RAM, as dom0's builder does. */
	iso_expect("MAP_FOREIGN", domctl_map_foreign(domid, 0x100000, KEEL_GRANT_WINDOW_BASE, 1), -KEEL_EPERM);
}

void test_main(const struct keel_start_info *si)
{
	const uint32_t me = si->domid;
	unsigned int others = 0;
	/* victim=N (optional): a domain known to hold grants to dom0, reported on its own. */
	unsigned long long victim = ~0ull;
	char arg[16];
	if (cmdline_get(si->cmdline, "victim", arg, sizeof arg) && !cmdline_parse_u64(arg, &victim))
		xtf_failure("bad victim= '%s'", arg);
	for (int i = 0; i < 4096; i++)
		landing[i] = 0xee;

	/* Every other live domain (dom0 included): a probe of ref 0 is -ESRCH only where none is. */
	for (uint32_t domid = 0; domid < me + 16; domid++) {
		uint32_t handle;
		if (domid == me || grant_map(domid, 0, KEEL_GRANT_WINDOW_BASE, 0, &handle) == -KEEL_ESRCH)
			continue;
		for (unsigned int r = 0; r < LOW_REFS; r++)
			eperm_refs[r] = 0;
		attack_domain(domid);
		others++;
		if (domid == victim)
			for (unsigned int r = 0; r < LOW_REFS; r++)
				if (eperm_refs[r])
					gprintf("iso: %s: victim dom%u ref %u: %u refusals (granted to someone else)\n",
						xtf_test_name, domid, r, eperm_refs[r]);
	}
	for (int i = 0; i < 4096; i++)
		if (landing[i] != 0xee) {
			xtf_failure("a refused COPY wrote into the caller's page at %d", i);
			break;
		}
	gprintf("iso: %s: %u other domains, %lu refs granted to someone else\n", xtf_test_name, others, eperm_hits);
	if (others < 2)
		xtf_failure("only %u other domains to attack (dom0 and the granter at least)", others);
	if (!eperm_hits)
		xtf_failure("no ref granted to someone else was found: the victim's grants were not tried");
	iso_report();
}
