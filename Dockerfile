# syntax=docker/dockerfile:1
# The node image: java -jar node.jar as a non-root user, configured by environment variables
# (README.md, "Configuration"; production rules in "Deploying a cluster").
#
#   docker build -t line-commerce:0.1.0 .
#   docker run --rm -p 8080:8080 line-commerce:0.1.0      # one development node: H2 in /app/data, LINE dry-run
# Production (APP_ENV=production) needs NODE_HOSTNAME, PostgreSQL and real credentials; see deploy/.

# ---- build: the shaded node.jar (tests run in CI, not in the image build)
FROM maven:3-eclipse-temurin-17 AS build
WORKDIR /src
COPY . .
RUN --mount=type=cache,target=/root/.m2 \
    mvn -B -q -pl node -am package -DskipTests \
 && cp node/target/node.jar /node.jar

# ---- runtime: a JRE, the jar and cluster.conf; curl for the health check comes with this base image
FROM eclipse-temurin:17-jre
RUN groupadd --system --gid 10001 linecommerce \
 && useradd --system --uid 10001 --gid linecommerce --home-dir /app --shell /usr/sbin/nologin linecommerce \
 && mkdir -p /app/data \
 && chown -R linecommerce:linecommerce /app
WORKDIR /app
COPY --from=build /node.jar /app/node.jar
COPY cluster.conf /app/cluster.conf

# HTTP on every interface of the container; remoting and management stay on NODE_HOSTNAME
ENV HTTP_INTERFACE=0.0.0.0 \
    DATA_DIR=/app/data \
    JAVA_OPTS="-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError"

USER 10001:10001
# HTTP (webhook, APIs), Pekko Management (/alive, /ready, /cluster/members), Artery remoting
EXPOSE 8080 8558 2551

# ready = member of the cluster and the database answers (Pekko Management on NODE_HOSTNAME)
HEALTHCHECK --interval=15s --timeout=5s --start-period=90s --retries=3 \
  CMD curl -fsS -o /dev/null "http://${NODE_HOSTNAME:-127.0.0.1}:${MANAGEMENT_PORT:-8558}/ready" || exit 1

# exec: java is the process that receives SIGTERM and runs coordinated shutdown (hand shards off, leave)
CMD ["sh", "-c", "exec java $JAVA_OPTS -jar /app/node.jar"]
