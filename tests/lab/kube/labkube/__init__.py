"""labkube: the modules of the lab Kubernetes API server (see ../kubelab.py).

Layout:
  resources   resource registry, discovery documents, Status objects
  labels      label and field selectors
  store       object store, resourceVersion counter, watch history, paging
  objects     factories that build realistic API objects
  seed        the initial cluster (fast path for tens of thousands of pods)
  controllers simulation thread: queues, timers, scheduler, events, GC, nodes
  workloads   deployment/replicaset/statefulset/daemonset/PDB controllers
  kubelet     pod lifecycle, crash loops, image pull errors, churn
  tables      server-side Table output (kubectl get)
  patch       JSON patch, merge patch, strategic merge patch
  defaults    defaulting and light validation on create/update
  authn       certificates (openssl CLI), TLS context, tokens, RBAC knob
  server      threaded HTTPS server, routing, discovery, responses
  api         resource handlers: CRUD, scale, eviction, reviews
  watch       watch streams (chunked, bookmarks, 410)
  podlogs     deterministic container logs, follow
  websocket   RFC 6455 framing
  podexec     pods/exec and pods/attach over WebSocket channels
  metrics     metrics.k8s.io node and pod metrics
  openapi     minimal /openapi/v3 for kubectl's validation
  protobuf    decoder for the protobuf bodies of kubectl's typed clients
  util        timestamps, JSON, cloning, names
"""
