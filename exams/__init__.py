"""Exams app: users, course staff, providers, course configuration, exams, attempts and their API."""
