"""labreg: the pieces of the registry lab (a real CNCF distribution registry
plus what it needs around it: certificates, its configuration, a token
server, seed images and a small registry client).  Standard library only;
RSA signatures and certificates come from the openssl command line."""
