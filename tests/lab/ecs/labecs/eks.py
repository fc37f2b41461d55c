"""Amazon EKS (REST-JSON): GET /clusters and GET /clusters/NAME.

With --kube-dir (a running kube lab's state directory) the lab offers
--eks-clusters clusters (lab-eks, lab-eks-2, ...) whose endpoint and
certificateAuthority.data are the kube lab's (DIR/port, DIR/ca.pem).
Without it there are none.  The kube lab's files are read when a request
comes (so the kube lab may start after this lab, with --eks-sts pointing
here); until DIR/port and DIR/ca.pem exist the list is empty.  A kube lab started with --eks-sts URL accepts
the `k8s-aws-v1.` tokens `aws eks get-token` mints for these names.
"""

import base64
import os
import time
import urllib.parse

from . import auth, errors, paging, util

CORAL_SUFFIX = ":http://internal.amazon.com/coral/com.amazon.coral.service/"


class Eks:
    def __init__(self, app):
        self.app = app
        self.created = time.time() - 86400 * 10

    @property
    def clusters(self):
        cfg = self.app.cfg
        if not cfg.kube_dir:
            return {}
        try:
            with open(os.path.join(cfg.kube_dir, "port")) as f:
                port = int(f.read().strip())
            with open(os.path.join(cfg.kube_dir, "ca.pem"), "rb") as f:
                ca = base64.b64encode(f.read()).decode()
        except (OSError, ValueError):
            return {}
        out = {}
        created = self.created
        for i in range(cfg.eks_clusters):
            name = "lab-eks" if i == 0 else "lab-eks-%d" % (i + 1)
            out[name] = {
                "name": name,
                "arn": "arn:aws:eks:%s:%s:cluster/%s" % (cfg.region, cfg.account, name),
                "createdAt": util.epoch(created + i * 3600),
                "version": "1.32", "endpoint": "https://127.0.0.1:%d" % port,
                "roleArn": "arn:aws:iam::%s:role/lab-eks-cluster-role" % cfg.account,
                "resourcesVpcConfig": {
                    "subnetIds": ["subnet-0a1b2c3d4e5f6a7ba", "subnet-0a1b2c3d4e5f6a7bb"],
                    "securityGroupIds": [], "clusterSecurityGroupId": "sg-0fedcba9876543210",
                    "vpcId": "vpc-0123456789abcdef0", "endpointPublicAccess": True,
                    "endpointPrivateAccess": True, "publicAccessCidrs": ["0.0.0.0/0"]},
                "kubernetesNetworkConfig": {"serviceIpv4Cidr": "10.100.0.0/16", "ipFamily": "ipv4",
                                            "elasticLoadBalancing": {"enabled": False}},
                "logging": {"clusterLogging": [{"types": ["api", "audit", "authenticator",
                                                          "controllerManager", "scheduler"],
                                                "enabled": False}]},
                "identity": {"oidc": {"issuer": "https://oidc.eks.%s.amazonaws.com/id/%s" % (
                    cfg.region, util.sha256_hex(name.encode())[:32].upper())}},
                "status": "ACTIVE",
                "certificateAuthority": {"data": ca},
                "platformVersion": "eks.10",
                "tags": {"lab": "binnacle"},
                "accessConfig": {"authenticationMode": "API_AND_CONFIG_MAP"},
                "upgradePolicy": {"supportType": "STANDARD"},
            }
        return out

    def fail(self, h, e, rid):
        status = e.status
        if e.coral:
            status = 403
        if e.code == "ThrottlingException":
            status = 429
        body = {"message": e.message}
        body.update(e.fields)
        h.send_json(status, body, "application/json",
                    {"x-amzn-RequestId": rid,
                     "x-amzn-ErrorType": e.code + (CORAL_SUFFIX if e.coral else "")})

    def handle(self, h):
        rid = util.request_id()
        body = h.read_body()
        parts = [urllib.parse.unquote(x) for x in h.url_path.strip("/").split("/")]
        op = "ListClusters" if len(parts) == 1 else "DescribeCluster"
        key = None
        try:
            if h.command != "GET" or len(parts) > 2:
                raise errors.AwsError("UnknownOperationException", "", 404)
            cred = auth.authenticate(h, "eks", body)
            key = cred.access_key
            if self.app.throttle.refuse("eks", op):
                raise errors.throttled()
            q = {k: v[0] for k, v in h.query.items()}
            if op == "ListClusters":
                p = {}
                if "maxResults" in q:
                    try:
                        p["maxResults"] = int(q["maxResults"])
                    except ValueError:
                        raise errors.AwsError("InvalidParameterException",
                                              "maxResults must be a number")
                if q.get("nextToken"):
                    p["nextToken"] = q["nextToken"]
                names, nxt = paging.page(sorted(self.clusters), p, {}, 100, short=False,
                                         bad=errors.AwsError("InvalidParameterException",
                                                             "The nextToken is invalid."))
                out = {"clusters": names}
                if nxt:
                    out["nextToken"] = nxt
            else:
                c = self.clusters.get(parts[1])
                if c is None:
                    raise errors.AwsError("ResourceNotFoundException",
                                          "No cluster found for name: %s." % parts[1], 404,
                                          fields={"clusterName": parts[1]})
                out = {"cluster": c}
            h.send_json(200, out, "application/json", {"x-amzn-RequestId": rid})
            h.log_call("eks", op, key)
        except errors.AwsError as e:
            self.fail(h, e, rid)
            h.log_call("eks", op, key or auth.claimed_key(h), e.code)
