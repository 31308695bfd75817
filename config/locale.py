"""The page language: Simplified Chinese unless the user chose English with the language switch.

Django's ``LocaleMiddleware`` would also follow the browser's ``Accept-Language``, so a clerk whose browser
happens to prefer English would get English pages unasked. Here only the choice stored by ``set_language``
(the language cookie) counts; everything else of ``LocaleMiddleware`` (``Content-Language``) is kept.
"""

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class ChosenLanguageMiddleware(LocaleMiddleware):
    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        supported = dict(settings.LANGUAGES)
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
