/* fuzz_state.c - libFuzzer target for <root>/<id>/state, which a crash, a
 * full disk or a hand edit can leave in any shape: state_parse must refuse
 * or accept without crashing, and what it accepts must survive
 * state_format and state_parse again unchanged. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../fail.h"
#include "../../state.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct state a, b;
	char *text;
	size_t len;

	memset(&a, 0, sizeof a);
	a.lockfd = -1;
	strcpy(a.id, "c1");
	if (state_parse(&a, (const char *)data, size) == 0) {
		text = state_format(&a, &len);
		memset(&b, 0, sizeof b);
		b.lockfd = -1;
		strcpy(b.id, "c1");
		if (state_parse(&b, text, len) < 0 || b.pid != a.pid || b.starttime != a.starttime ||
		    strcmp(b.bundle, a.bundle) || strcmp(b.rootfs, a.rootfs) || strcmp(b.layer, a.layer) ||
		    strcmp(b.created, a.created) || strcmp(b.cgroup, a.cgroup) || b.nann != a.nann)
			abort(); /* what Grid writes it must read back */
		for (size_t i = 0; i < a.nann; i++)
			if (strcmp(a.ann_keys[i], b.ann_keys[i]) || strcmp(a.ann_values[i], b.ann_values[i]))
				abort();
		free(text);
		state_close(&b);
	}
	state_close(&a);
	clear_error();
	return 0;
}
