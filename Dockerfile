# One image with the five okta-mcp servers and okta-sandbox: static binaries on `scratch`.
#
# No registry is reachable where this is built, so there is no `FROM rust:…` build stage: the binaries are built
# on the host and copied in. Build the image with
#
#   scripts/container-build            # static release binaries + the image (podman or docker)
#
# which runs `cargo build --release --target x86_64-unknown-linux-gnu` with `-C target-feature=+crt-static`
# (glibc, statically linked; no musl target needed) and stages the image's filesystem in target/container/rootfs/
# (see .dockerignore: nothing else of the checkout reaches the build):
#   usr/local/bin/                 okta-mcp-{users,apps,governance,policy,admin}, okta-sandbox
#   etc/ssl/certs/ca-certificates.crt   the build host's CA bundle (rustls verifies https://<org>.okta.com
#                                  against it; scratch has none)
#   etc/passwd, etc/group          the non-root user 65532 (`nonroot`)
#   etc/nsswitch.conf              hosts: files dns — the two NSS sources glibc's static getaddrinfo has built in;
#                                  the engine mounts /etc/hosts and /etc/resolv.conf (checked: hostnames resolve)
# and target/container/state/okta-mcp/: /var/lib/okta-mcp, the state directory (audit log), owned by 65532
#
# Run: configured by environment only, e.g.
#   podman run --rm --network host -e OKTA_ORG_URL=https://acme.okta.com -e OKTA_CLIENT_ID=0oa… \
#     -e OKTA_PRIVATE_KEY="$(cat key.pem)" okta-mcp                        # okta-mcp-users on 127.0.0.1:8080
#   podman run … --entrypoint /usr/local/bin/okta-mcp-admin okta-mcp     # another server
#   podman run … okta-mcp --sandbox                                      # the embedded sandbox org
# A server listening on a non-loopback address (OKTA_MCP_LISTEN=0.0.0.0:8080, the usual container setup
# without host networking) refuses to start without inbound auth: OKTA_MCP_AUTH_ISSUER and OKTA_MCP_ROLES.
#
# No HEALTHCHECK: it would need a shell or a client inside the image. Orchestrators probe GET /healthz
# (liveness) and GET /readyz (readiness) over HTTP instead; /metrics is Prometheus text.
FROM scratch

COPY target/container/rootfs/ /
COPY --chown=65532:65532 target/container/state/ /var/lib/

ENV OKTA_MCP_TRANSPORT=http \
    OKTA_MCP_LISTEN=127.0.0.1:8080 \
    OKTA_MCP_MODE=read-only \
    OKTA_MCP_LOG=info \
    OKTA_MCP_AUDIT_DB=/var/lib/okta-mcp/audit.db \
    HOME=/var/lib/okta-mcp \
    SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt

USER 65532:65532
WORKDIR /var/lib/okta-mcp
VOLUME ["/var/lib/okta-mcp"]
EXPOSE 8080
ENTRYPOINT ["/usr/local/bin/okta-mcp-users"]
CMD ["serve"]
