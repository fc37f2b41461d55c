/* kinds.h: the Docker backend's own kinds (volumes, networks, compose
 * projects) and their cell layouts, shared by the decoders that fill them
 * and the views that show them. Named so no other backend's kind can be
 * mistaken for them. */
#ifndef BINNACLE_DOCKER_KINDS_H
#define BINNACLE_DOCKER_KINDS_H

#define KIND_VOLUMES "docker-volumes"
#define KIND_NETWORKS "docker-networks"
#define KIND_PROJECTS "compose-projects"

/* The label Docker Compose (and podman-compose) puts on a project's containers. */
#define COMPOSE_PROJECT_LABEL "com.docker.compose.project"

enum volume_cell {
	VOL_NAME,
	VOL_DRIVER,
	VOL_SCOPE,
	VOL_USED,       /* CELL_INT containers using it, text "yes (2)" / "no" */
	VOL_CREATED,    /* CELL_TIME */
	VOL_MOUNTPOINT,
	VOL_LABELS,     /* "k=v,k=v" */
	VOL_USERS,      /* the names of the containers using it */
	VOL_NCELLS
};

enum network_cell {
	NET_NAME,
	NET_DRIVER,
	NET_SCOPE,
	NET_SUBNET,     /* the first IPAM subnet */
	NET_USED,       /* CELL_INT containers attached, text "yes (2)" / "no" */
	NET_CREATED,    /* CELL_TIME */
	NET_ID,         /* 12-character short id */
	NET_USERS,      /* the names of the containers attached */
	NET_NCELLS
};

enum project_cell {
	PRJ_NAME,
	PRJ_STATUS,     /* "running 3/4": running of all its containers */
	PRJ_RUNNING,    /* CELL_INT running containers */
	PRJ_SERVICES,   /* the services, comma-separated */
	PRJ_CONFIG,     /* the compose files that made it */
	PRJ_DIR,        /* the working directory it was brought up from */
	PRJ_CREATED,    /* CELL_TIME: its oldest container */
	PRJ_SELECTOR,   /* "com.docker.compose.project=NAME": what its containers carry */
	PRJ_NCELLS
};

#endif
