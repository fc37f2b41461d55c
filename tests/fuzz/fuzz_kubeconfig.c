/* fuzz_kubeconfig.c: a kubeconfig file: loaded (YAML, merge rules, base64
 * certificate data, exec plugin settings) and every context resolved. */
#include "tests/fuzz/fuzz.h"
#include "backends/kube/kubeconfig.h"

FUZZ_TARGET(kubeconfig)
{
	struct kubeconfig kc;
	char err[256] = "";
	if (kubeconfig_load(&kc, fuzz_file(data, size), err, sizeof(err)) < 0)
		return 0;
	for (size_t i = 0; i < kc.ncontexts; i++) {
		struct kube_conn conn;
		if (kubeconfig_resolve(&kc, kc.contexts[i].name, &conn, err, sizeof(err)) == 0)
			kube_conn_cleanup(&conn);
	}
	kubeconfig_cleanup(&kc);
	return 0;
}
