"Package metadata comes from settings.ini, the version from actgen/__init__.py: each fact in one place."
import re
from configparser import ConfigParser
from pathlib import Path
from setuptools import setup, find_namespace_packages

here = Path(__file__).parent
cfg = ConfigParser(delimiters=['='])
cfg.read(here/'settings.ini', encoding='utf-8')
cfg = cfg['DEFAULT']
version = re.search(r'^__version__\s*=\s*"([^"]+)"', (here/'actgen'/'__init__.py').read_text(), re.M)[1]

setup(
    name=cfg['lib_name'], version=version, description=cfg['description'],
    long_description=(here/'README.md').read_text(encoding='utf-8'), long_description_content_type='text/markdown',
    author=cfg['author'], author_email=cfg['author_email'], license=cfg['license'],
    keywords=cfg['keywords'].split(), python_requires=f">={cfg['min_python']}",
    packages=find_namespace_packages(include=["actgen", "actgen.*"]),   # the embedded models' folders are package data
    include_package_data=True, package_data={'actgen': ['models/**/*']},
    package_dir={'': '.'},   # a plain path entry for editable installs: setuptools then has nothing to warn about
    install_requires=cfg['requirements'].split(),
    extras_require={'dev': cfg['dev_requirements'].split()},
    entry_points={'console_scripts': cfg['console_scripts'].split(), 'nbdev': ['actgen=actgen._modidx:d']},
    zip_safe=False,
)
