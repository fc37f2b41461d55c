"""AWS errors as values: code, message, HTTP status, extra body fields.

The protocol modules render them: JSON 1.1 as {"__type","message"}, the
Query protocol (STS) as an XML ErrorResponse, REST-JSON with the
x-amzn-ErrorType header.  Authentication errors carry the coral service
namespace AWS puts in __type for them ("com.amazon.coral.service#...").
"""

CORAL = "com.amazon.coral.service#"

SIG_MISMATCH = ("The request signature we calculated does not match the signature you "
                "provided. Check your AWS Secret Access Key and signing method. Consult "
                "the service documentation for details.")
BAD_TOKEN = "The security token included in the request is invalid."
EXPIRED_TOKEN = "The security token included in the request is expired"
RATE = "Rate exceeded"


class AwsError(Exception):
    def __init__(self, code, message, status=400, coral=False, fields=None, sender=True):
        Exception.__init__(self, message)
        self.code = code
        self.message = message
        self.status = status
        self.coral = coral
        self.fields = fields or {}
        self.sender = sender

    @property
    def type_name(self):
        return (CORAL + self.code) if self.coral else self.code


def invalid_param(msg):
    return AwsError("InvalidParameterException", msg)


def client_exc(msg):
    return AwsError("ClientException", msg)


def cluster_not_found():
    return AwsError("ClusterNotFoundException", "Cluster not found.")


def service_not_found():
    return AwsError("ServiceNotFoundException", "Service not found.")


def throttled():
    return AwsError("ThrottlingException", RATE)


def access_denied(arn, action, resource):
    return AwsError("AccessDeniedException",
                    "User: %s is not authorized to perform: %s on resource: %s because no "
                    "identity-based policy allows the %s action" % (arn, action, resource, action))
