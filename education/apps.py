from django.apps import AppConfig


class EducationConfig(AppConfig):
    """Market education: courses and sessions, the knowledge base, and the market rules cases and notices cite."""

    name = "education"
    verbose_name = "Market education"

    def ready(self):
        from .portal_cards import register_course_cards

        register_course_cards()
