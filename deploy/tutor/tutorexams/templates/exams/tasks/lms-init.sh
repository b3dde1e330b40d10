# The service user: Studio calls the exams service with its JWT (EXAMS_SERVICE_USERNAME), and the legacy router's
# client-credentials application belongs to it (global staff, as edx-proctoring's API requires).
./manage.py lms manage_user {{ EXAMS_SERVICE_USERNAME }} {{ EXAMS_SERVICE_USERNAME }}@openedx --staff --unusable-password
./manage.py lms create_dot_application --grant-type client-credentials --client-id "{{ EXAMS_OAUTH2_KEY }}" \
  --client-secret "{{ EXAMS_OAUTH2_SECRET }}" --update exams-legacy-router {{ EXAMS_SERVICE_USERNAME }}
{% if EXAMS_ENABLE_FOR_ALL_COURSES %}
# Courses use the exams service (courses without an exams configuration are still forwarded to edx-proctoring).
./manage.py lms waffle_flag --create --everyone course_apps.exams_ida
{% endif %}
