# Builds the `tashbeek` binary with the dashboard compiled in; see docker-compose.yml for
# PostgreSQL + tashbeek.
FROM rust:1.95-bookworm AS build
RUN apt-get update && apt-get install -y --no-install-recommends libpq-dev nodejs npm \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN scripts/build-dashboard.sh && cargo build --release --locked -p tashbeek --features embed-dashboard

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends libpq5 ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --home /var/lib/tashbeek --create-home tashbeek \
    && install -d -o tashbeek -g tashbeek /var/lib/tashbeek/data/documents
COPY --from=build /src/target/release/tashbeek /usr/local/bin/tashbeek
USER tashbeek
WORKDIR /var/lib/tashbeek
ENV TASHBEEK_BIND=0.0.0.0:8080 \
    TASHBEEK_LOG_FORMAT=json
EXPOSE 8080
ENTRYPOINT ["tashbeek"]
CMD ["serve"]
