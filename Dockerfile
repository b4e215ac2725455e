# syntax=docker/dockerfile:1
# Multi-stage build: a static binary on a distroless base, running as a non-root user.
# (No Docker engine runs in the development sandbox; this file is kept buildable by hand.)
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN go tool templ generate && \
    CGO_ENABLED=0 go build -trimpath -ldflags='-s -w' -o /out/penggerak ./cmd/penggerak

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/penggerak /penggerak
ENV APP_ENV=production ADDR=:8080 UPLOAD_DIR=/data/uploads
VOLUME ["/data"]
EXPOSE 8080
USER nonroot:nonroot
ENTRYPOINT ["/penggerak"]
CMD ["serve"]
