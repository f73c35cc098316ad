# One image for the API and the worker (docker-compose.yml picks the command).
FROM python:3.11-slim AS base

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app

# dependencies first (cached layer), then the sources
COPY pyproject.toml README.md ./
COPY ninyo ./ninyo
COPY domain ./domain
COPY eventstore ./eventstore
COPY workflows ./workflows
COPY activities ./activities
COPY api ./api
COPY cli ./cli
COPY worker.py ./
# editable: ninyo.settings resolves var/ next to the sources (/app/var, owned by the user)
RUN pip install -e . \
    && useradd --create-home --uid 10001 ninyo \
    && mkdir -p /app/var && chown ninyo /app/var

USER ninyo
EXPOSE 8000

# secrets come from the environment (docker-compose env_file: .env), never from the image
CMD ["ninyo", "api", "--host", "0.0.0.0", "--port", "8000"]
