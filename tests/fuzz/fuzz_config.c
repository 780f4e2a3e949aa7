/* fuzz_config.c - libFuzzer target for the untrusted JSON a bundle or a
 * caller hands Grid: config.json (spec_parse, then the seccomp compiler and
 * capability resolution that create runs on it), an exec --process object
 * (spec_parse_process) and an update --resources document. Any crash, leak
 * or sanitizer report is a bug; refusals are fine. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../caps.h"
#include "../../fail.h"
#include "../../seccomp.h"
#include "../../spec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	struct spec s;

	if (spec_parse(&s, text, size, "config.json") == 0) {
		struct sc_prog p = { 0 };
		struct caps c;
		if (seccomp_compile(&s.seccomp, seccomp_native_arch(), false, &p) == 0)
			seccomp_prog_free(&p);
		if (s.proc.has_caps)
			caps_resolve(&s, &c);
		if (spec_parse_process(&s, text, size, "process.json") == 0 && s.proc.nargs && s.proc.args[s.proc.nargs])
			abort(); /* args must stay NULL-terminated */
		spec_free(&s);
	}
	memset(&s, 0, sizeof s);
	resources_parse_document(&s, text, size, "resources.json");
	spec_free(&s);
	clear_error();
	return 0;
}
