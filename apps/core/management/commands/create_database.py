"""`manage.py create_database`: create the PostgreSQL database of DATABASE_URL if it does not exist (make stack)."""

import psycopg
from django.core.management.base import BaseCommand, CommandError
from django.db import connections
from psycopg import sql


class Command(BaseCommand):
    help = "Create the PostgreSQL database named in DATABASE_URL when it is missing; nothing on SQLite."

    def handle(self, *args, **options):
        params = connections["default"].get_connection_params()
        if connections["default"].vendor != "postgresql":
            self.stdout.write("not PostgreSQL: nothing to create")
            return
        name = params.pop("dbname")
        params = {key: value for key, value in params.items() if key in {"host", "port", "user", "password"}}
        try:
            with psycopg.connect(dbname="postgres", autocommit=True, connect_timeout=10, **params) as conn:
                if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
                    self.stdout.write(f"database {name} exists")
                    return
                conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        except psycopg.Error as error:
            raise CommandError(f"cannot create database {name}: {error}")
        self.stdout.write(f"database {name} created")
