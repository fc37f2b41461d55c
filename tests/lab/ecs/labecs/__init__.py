"""labecs: the modules of the lab AWS server (see ../ecslab.py).

Layout:
  server    threaded HTTP(S) server, dispatch by X-Amz-Target / Action / path
  sigv4     canonical request, string to sign, signing key (verification)
  auth      SigV4 checks in AWS's order, with AWS's errors
  errors    AwsError and the common AWS error texts
  creds     static keys and temporary credentials (expiry)
  profiles  DIR/credentials, DIR/config, credential_process, web identity, SSO cache
  throttle  fraction or token-bucket throttling
  reqlog    DIR/requests.log
  paging    opaque nextToken paging (with short pages)
  model     ECS objects and their AWS JSON forms
  sim       simulation thread: task lifecycles, services, deployments, events
  seed      the initial clusters, instances, services and tasks
  ecs_api   ECS operations
  execcmd   ExecuteCommand (sessions from ssm.py, imported lazily)
  logs      CloudWatch Logs (awslogs streams, computed lines)
  sts       STS (Query protocol, XML)
  metadata  IMDSv2, ECS container credentials, SSO portal
  eks       EKS clusters pointing at a kube lab
  ecr       ECR (seeded, or fronting a Docker registry)
  control   /_lab/ endpoints for tests
  tls       private CA and server certificate for --tls
  util      ids, ARNs, JSON, timestamps
"""
