FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
COPY requirements.txt requirements-s3.txt ./
RUN pip install --no-cache-dir -r requirements.txt -r requirements-s3.txt
COPY . .
# A user without privileges runs everything; /data (uploads, static files) belongs to it.
RUN useradd --create-home --uid 10001 govservice && mkdir -p /data && chown govservice /data
USER govservice
EXPOSE 8000
CMD ["gunicorn", "govservice.wsgi:application", "--config", "govservice/gunicorn.conf.py", "--bind", "0.0.0.0:8000"]
