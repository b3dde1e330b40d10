"""Authentication of LMS-issued JWTs (header or split cookie) and course-staff permissions."""
