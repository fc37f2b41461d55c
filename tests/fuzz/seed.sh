# seed.sh: fuzz_seed DIR TARGET fills DIR with the inputs a harness starts
# from: its seeds in tests/fuzz/corpus/TARGET (inputs that once crashed
# included), and, when ../shared/reference (or $BINNACLE_REFERENCE_DIR) is
# there, the real payloads that fit it, each prefixed with the bytes that
# make the harness read it as what it is. Sourced by replay.sh and run.sh.
# shellcheck shell=bash

fuzz_reference_dir() {
	local d=${BINNACLE_REFERENCE_DIR:-$top_srcdir/../shared/reference}
	[ -d "$d" ] && echo "$d"
}

# _fuzz_ref DIR NAME PREFIX FILES...: copies each FILE into DIR, PREFIX first
# (a printf format: "\\001" is the byte 1)
_fuzz_ref() {
	local dir=$1 name=$2 prefix=$3 f i=0
	shift 3
	for f in "$@"; do
		[ -f "$f" ] || continue
		i=$((i + 1))
		{ printf "$prefix"; cat "$f"; } >"$dir/ref-$name-$i"
	done
}

fuzz_seed() {
	local dir=$1 target=$2 ref k
	mkdir -p "$dir"
	if [ -d "$top_srcdir/tests/fuzz/corpus/$target" ]; then
		cp "$top_srcdir/tests/fuzz/corpus/$target"/* "$dir"/ 2>/dev/null || true
	fi
	ref=$(fuzz_reference_dir) || return 0
	case $target in
	kube_list)
		for k in 0 1 2 3 4 5 6 7 8; do
			_fuzz_ref "$dir" "k$k" "\\00$k" "$ref"/kubernetes/*list*.json "$ref"/kubernetes/*_single_*.json \
				"$ref"/kubernetes/status_*.json
		done ;;
	kube_watch) _fuzz_ref "$dir" w "\\100" "$ref"/kubernetes/watch_*.ndjson ;;
	kubeconfig) _fuzz_ref "$dir" kc "" "$ref"/kubernetes/kubeconfig_*.yaml ;;
	docker_json)
		for k in 0 1 2 3 4; do
			_fuzz_ref "$dir" "d$k" "\\00$k" "$ref"/docker/*.json
		done ;;
	docker_stream)
		_fuzz_ref "$dir" ev "\\001\\000" "$ref"/docker/events_*.ndjson "$ref"/docker/event_*.json \
			"$ref"/docker/images_create_*.ndjson
		_fuzz_ref "$dir" st "\\000\\000" "$ref"/docker/container_stats_*.json ;;
	docker_mux) _fuzz_ref "$dir" mux "\\000" "$ref"/docker/*.bin ;;
	config) _fuzz_ref "$dir" theme "\\001" "$top_srcdir"/themes/*.yaml ;;
	yaml)
		_fuzz_ref "$dir" y "\\001" "$ref"/kubernetes/kubeconfig_*.yaml "$ref"/kubernetes/kubectl_*.yaml
		_fuzz_ref "$dir" j "\\000" "$ref"/kubernetes/pod_single_*.json "$ref"/docker/container_inspect_*.json ;;
	sanitize) _fuzz_ref "$dir" s "\\000" "$ref"/docker/events_*.ndjson "$ref"/docker/*.bin ;;
	registry)
		_fuzz_ref "$dir" m "\\000" "$ref"/registry/*manifest*.json "$ref"/registry/oci_*.json
		_fuzz_ref "$dir" h "\\003" "$ref"/registry/link_header_variants_seen_in_clients.txt ;;
	ecs) _fuzz_ref "$dir" e "\\000" "$ref"/ecs/*_real.json "$ref"/ecs/*_MISSING.json "$ref"/ecs/*response*.json ;;
	esac
	return 0
}
