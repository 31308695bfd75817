"""English: the same date formats as Chinese (config/formats/__init__.py), without the 年月日 input form."""

from config.formats.zh_Hans.formats import *  # noqa: F403
from config.formats.zh_Hans.formats import DATE_INPUT_FORMATS as _CHINESE_INPUT

DATE_INPUT_FORMATS = [form for form in _CHINESE_INPUT if "年" not in form]
