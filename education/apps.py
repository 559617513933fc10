from django.apps import AppConfig


class EducationConfig(AppConfig):
    """Market education: courses and sessions, the knowledge base, and the market rules cases and notices cite."""

    name = "education"
    verbose_name = "Market education"

    def ready(self):
        from .portal_cards import register_course_cards

        register_course_cards()

        # The knowledge base hears of inquiries filed although it suggested articles (cases never imports it).
        from cases.signals import inquiry_filed

        from .services.knowledge import record_inquiry_filed

        inquiry_filed.connect(record_inquiry_filed, dispatch_uid="education_kb_inquiry_filed")
