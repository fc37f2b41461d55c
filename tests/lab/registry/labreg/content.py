"""What `seed` puts in the registry: the repositories, their tags and the
images behind them (see README.md, "What seed creates").

Each item is (repository, tags, thing, how): thing is an images.Image or
images.Index, how is "skopeo" (copied by skopeo from the OCI layout) or
"api" (uploaded by the lab's own client: Docker media types, many tags).
"""

import re

from . import images as im

PATH = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
SOURCE = "https://example.com/binnacle/lab"


def version_key(tag):
    """Sort key putting 1.2.3 < 1.10.0 and 2.0.0-beta.2 < 2.0.0; names that
    are not versions (latest, stable) sort after every version."""
    m = re.match(r"^v?(\d+)\.(\d+)\.(\d+)(?:-(.+))?$", tag)
    if not m:
        return (1, (), 0, tag)
    nums = tuple(int(m.group(i)) for i in (1, 2, 3))
    pre = m.group(4)
    return (0, nums, 0 if pre else 1, pre or "")


def many_tags(n):
    """n version-like tags (the first ones always present when n allows)."""
    must = ["latest", "stable", "1.2.3", "1.10.0", "1.9.0", "1.10.0-rc.1", "2.0.0-beta.2",
            "v3.0.0"]
    tags = must[:n]
    major = minor = patch = 0
    while len(tags) < n:
        t = "%d.%d.%d" % (major, minor, patch)
        if t not in tags:
            tags.append(t)
        patch += 1
        if patch == 10:
            patch, minor = 0, minor + 1
        if minor == 12:
            minor, major = 0, major + 1
    return tags


def _created(day, hour=12):
    return "2024-%02d-%02dT%02d:00:00Z" % (1 + day // 28, 1 + day % 28, hour)


def _app_config(version, platform):
    return {
        "User": "1000:1000",
        "ExposedPorts": {"8080/tcp": {}, "9090/tcp": {}},
        "Env": [PATH, "APP_ENV=lab", "APP_VERSION=" + version],
        "Entrypoint": ["/bin/sh", "/srv/start.sh"],
        "Cmd": ["--port", "8080"],
        "WorkingDir": "/srv",
        "Labels": {"org.opencontainers.image.title": "app",
                   "org.opencontainers.image.version": version,
                   "org.opencontainers.image.source": SOURCE + "/app",
                   "org.opencontainers.image.vendor": "binnacle lab",
                   "lab.platform": platform},
        "Volumes": {"/data": {}},
        "StopSignal": "SIGTERM",
    }


APP_HISTORY = ["ENV APP_ENV=lab", "WORKDIR /srv", "EXPOSE 8080/tcp 9090/tcp",
               "LABEL org.opencontainers.image.title=app", "USER 1000:1000",
               'ENTRYPOINT ["/bin/sh" "/srv/start.sh"]', 'CMD ["--port" "8080"]']
PLATFORMS = ["linux/amd64", "linux/arm64", "linux/arm/v7"]


class Content:
    def __init__(self, busybox, many=300, bulk=0):
        self.busybox = busybox
        self.roots = {p: im.busybox_layer(busybox, p) for p in PLATFORMS}
        self.items = []
        self._busybox()
        self._app("1.0.0", 60)
        self._app("1.1.0", 90, extra_tags=["latest"])
        self._web()
        self._tools()
        self._api()
        self.many_layer = None
        self.many_tags = []
        if many:
            self._many(many)
        if bulk:
            self._bulk(bulk)

    def add(self, repo, tags, thing, how):
        self.items.append((repo, tags, thing, how))

    def _busybox(self):
        root = self.roots["linux/amd64"]
        cfg = im.config_blob("oci", "linux/amd64", [root], _created(14, 10),
                             {"Env": [PATH], "Cmd": ["/bin/sh"]}, ['CMD ["/bin/sh"]'])
        self.add("lab/busybox", ["1.36.1", "latest"],
                 im.Image("oci", "linux/amd64", [root], cfg), "skopeo")

    def _app(self, version, day, extra_tags=()):
        files = {"srv/start.sh": '#!/bin/sh\necho "app $APP_VERSION on '
                                 '$(cat /etc/lab-platform) $*"\nexec sleep 3600\n',
                 "srv/VERSION": version + "\n"}
        app = im.files_layer(files, "COPY app-%s /srv" % version)
        imgs = []
        for p in PLATFORMS:
            layers = [self.roots[p], app]
            cfg = im.config_blob("oci", p, layers, _created(day), _app_config(version, p),
                                 APP_HISTORY, author="binnacle lab <lab@example.com>")
            imgs.append(im.Image("oci", p, layers, cfg,
                                 {"org.opencontainers.image.version": version}))
        idx = im.Index("oci", imgs, {"org.opencontainers.image.version": version,
                                     "org.opencontainers.image.source": SOURCE + "/app"})
        self.add("lab/app", [version] + list(extra_tags), idx, "skopeo")

    def _web(self):
        root = self.roots["linux/amd64"]
        web = im.files_layer({"var/www/index.html": "<h1>binnacle lab web</h1>\n"},
                             "COPY index.html /var/www/")
        cfg = im.config_blob("oci", "linux/amd64", [root, web], _created(120),
                             {"Env": [PATH], "ExposedPorts": {"80/tcp": {}},
                              "Entrypoint": ["httpd", "-f", "-v", "-p", "80", "-h", "/var/www"],
                              "Labels": {"org.opencontainers.image.title": "web"}},
                             ["EXPOSE 80/tcp", 'ENTRYPOINT ["httpd" "-f" "-v" "-p" "80"]'])
        self.add("team/web", ["3.1", "latest"],
                 im.Image("oci", "linux/amd64", [root, web], cfg), "skopeo")

    def _tools(self):
        root = self.roots["linux/amd64"]
        tools = im.files_layer({"usr/local/bin/lab-tool": "#!/bin/sh\necho lab tool\n"},
                               "COPY lab-tool /usr/local/bin/")
        cfg = im.config_blob("oci", "linux/amd64", [root, tools], _created(130),
                             {"Env": [PATH], "Cmd": ["/bin/sh"]}, ['CMD ["/bin/sh"]'])
        self.add("ops/tools", ["1.0"], im.Image("oci", "linux/amd64", [root, tools], cfg),
                 "skopeo")

    def _api(self):
        api = im.files_layer({"srv/api.sh": "#!/bin/sh\necho api\nexec sleep 3600\n"},
                             "COPY api.sh /srv/")
        cfgs = {}

        def image(p, version, day):
            layers = [self.roots[p], api]
            c = {"Env": [PATH, "API_VERSION=" + version],
                 "ExposedPorts": {"8443/tcp": {}},
                 "Entrypoint": ["/bin/sh", "/srv/api.sh"],
                 "Labels": {"org.opencontainers.image.title": "api",
                            "org.opencontainers.image.version": version},
                 "Healthcheck": {"Test": ["CMD-SHELL", "wget -q -O- 127.0.0.1:8443/health"],
                                 "Interval": 30000000000, "Timeout": 5000000000,
                                 "Retries": 3}}
            cfgs[p] = im.config_blob("docker", p, layers, _created(day), c,
                                     ["EXPOSE 8443/tcp", "HEALTHCHECK CMD wget ..."])
            return im.Image("docker", p, layers, cfgs[p])

        self.add("team/api", ["1.9"], image("linux/amd64", "1.9", 140), "api")
        lst = im.Index("docker", [image("linux/amd64", "2.0", 150),
                                  image("linux/arm64", "2.0", 150)])
        self.add("team/api", ["2.0", "latest"], lst, "api")

    def _many(self, n):
        layer = im.files_layer({"etc/lab-many": "one layer shared by every tag\n"},
                               "COPY lab-many /etc/")
        self.many_layer = layer
        tags = many_tags(n)
        versions = sorted((t for t in tags if t not in ("latest", "stable")), key=version_key)
        by_version = {}
        for rank, tag in enumerate(versions):
            # created grows with the version, a day per rank
            day, hour = divmod(rank, 4)
            created = "2023-%02d-%02dT%02d:00:00Z" % (1 + (day // 28) % 12, 1 + day % 28,
                                                       6 * hour)
            cfg = im.config_blob("oci", "linux/amd64", [layer], created,
                                 {"Env": [PATH], "Cmd": ["/bin/sh"],
                                  "Labels": {"org.opencontainers.image.version": tag}})
            by_version[tag] = im.Image("oci", "linux/amd64", [layer], cfg)
        releases = [t for t in versions if "-" not in t]
        for tag in versions:
            extra = []
            if releases and tag == releases[-1] and "latest" in tags:
                extra.append("latest")
            if "stable" in tags and tag == ("1.10.0" if "1.10.0" in releases else
                                            (releases[0] if releases else None)):
                extra.append("stable")
            self.add("lab/many", [tag] + extra, by_version[tag], "api")
        self.many_tags = tags

    def _bulk(self, n):
        layer = self.many_layer or im.files_layer({"etc/lab-bulk": "bulk\n"}, "COPY lab-bulk /etc/")
        cfg = im.config_blob("oci", "linux/amd64", [layer], _created(200),
                             {"Env": [PATH], "Cmd": ["/bin/sh"]})
        image = im.Image("oci", "linux/amd64", [layer], cfg)
        for i in range(n):
            self.add("bulk/r%04d" % i, ["1"], image, "api")
