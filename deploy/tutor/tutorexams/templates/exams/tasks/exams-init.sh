python manage.py migrate --noinput
# XQueue: the LMS posts submissions here, xqueue-watcher pulls them (passwords from config.yml)
python manage.py xqueue_ensure_queue {{ EXAMS_XQUEUE_NAME }}
python manage.py xqueue_create_account lms lms --password "{{ EXAMS_XQUEUE_LMS_PASSWORD }}"
python manage.py xqueue_create_account grader watcher --password "{{ EXAMS_XQUEUE_WATCHER_PASSWORD }}"
