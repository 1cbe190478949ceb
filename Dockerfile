FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
RUN apt-get update && apt-get install -y --no-install-recommends gettext curl && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY requirements.txt .
# XStatic packages still build with pkg_resources: build them against a setuptools that has it.
RUN pip install --upgrade pip "setuptools<81" wheel \
 && pip install --no-build-isolation -r requirements.txt

COPY . .
RUN python manage.py compilemessages --ignore=.venv -v0 \
 && STATICFILES_STORAGE=whitenoise.storage.CompressedManifestStaticFilesStorage python manage.py collectstatic --noinput -v0 \
 && useradd --create-home binome && chown -R binome /app
USER binome

EXPOSE 8000
# Workers, threads, timeouts and the access log come from the environment: gunicorn.conf.py.
CMD ["gunicorn", "mentoring.wsgi:application", "--config", "gunicorn.conf.py"]
