/* kinds.h: the registry backend's kinds, repositories and tags, and their
 * cell layouts, shared by the code that fills rows and the views. A
 * repository row's id is its name ("lab/app"); a tag row's is
 * "repository:tag", so one table holds the tags of every repository. */
#ifndef BINNACLE_REGISTRY_KINDS_H
#define BINNACLE_REGISTRY_KINDS_H

#define KIND_REPOSITORIES "repositories"
#define KIND_TAGS "tags"

enum repo_cell {
	REPO_NAME,
	REPO_TAGS,   /* CELL_INT: how many tags (fetched for the rows on screen) */
	REPO_PUSHED, /* CELL_TIME: the last push, where the registry says (ECR) */
	REPO_SIZE,   /* CELL_BYTES: ECR's total of the images */
	REPO_ORIGIN, /* how binnacle knows it: catalog, configured, in use */
	REPO_REF,    /* "host/name", as an image reference starts */
	REPO_NCELLS
};

enum tag_cell {
	TAG_NAME,
	TAG_REPO,
	TAG_DIGEST,    /* "sha256:...", of the manifest's exact bytes */
	TAG_TYPE,      /* OCI index, OCI, Docker list, Docker v2, Docker v1 */
	TAG_PLATFORMS, /* of an index: "linux/amd64,linux/arm64,linux/arm/v7" */
	TAG_SIZE,      /* CELL_BYTES: compressed config and layers (of an index: the platform this machine pulls) */
	TAG_CREATED,   /* CELL_TIME: "created" of the image config */
	TAG_PUSHED,    /* CELL_TIME: where the registry says (ECR) */
	TAG_SCAN,      /* ECR's scan status */
	TAG_REF,       /* "host/repo:tag": what to pull */
	TAG_DIGESTS,   /* the digest and those of an index's platform manifests, space-separated */
	TAG_ALSO,      /* the other tags of the same manifest, comma-separated */
	TAG_NCELLS
};

#endif
