# Patchbay in HTTP mode: `docker build -t patchbay .` then see compose.yaml and the README.
FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY commands ./commands
COPY storage ./storage
RUN pip wheel --no-cache-dir --wheel-dir /wheels .

FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PATCHBAY_LOG_FORMAT=json
RUN useradd --create-home --uid 10001 patchbay \
    && mkdir /data && chown patchbay /data
COPY --from=build /wheels /wheels
RUN pip install --no-cache-dir /wheels/*.whl && rm -rf /wheels
USER patchbay
# With the default DATABASE_URL (sqlite:///patchbay.db) the database lives here: mount a volume.
WORKDIR /data
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:3000/healthz', timeout=4)"]
CMD ["patchbay", "serve", "--host", "0.0.0.0", "--port", "3000"]
