"""Download the pinned real-code corpus used to measure rule noise (DESIGN.md §11).

The corpus is never committed: sdists are fetched from PyPI into a cache directory
(``REVIEWBOT_CORPUS_DIR``, default ``~/.cache/reviewbot-corpus``) and unpacked there.

It is split by project into two halves: rules are tuned on ``tune`` and measured on
``measure``, so the figures in docs/rule-quality.md come from code the rules were not
written against.  OpenStack Nova is held out entirely and must never be added here.

    python bench/corpus.py fetch            # download + unpack both halves
    python bench/corpus.py paths measure    # print the unpacked project directories
    python bench/corpus.py lines measure    # count Python lines per project
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import sys
import tarfile
import urllib.request
import zipfile
from pathlib import Path

CORPUS: dict[str, list[tuple[str, str]]] = {
    # Rules were written and tuned against these.  The later groups were measurement sets whose
    # findings were read while tightening the rules, so they moved here (docs/rule-quality.md).
    "tune": [
        ("cinder", "29.0.0"),
        ("oslo.messaging", "18.3.1"),
        ("requests", "2.34.2"),
        ("oslo.concurrency", "7.6.1"),
        ("swift", "2.38.3"),
        # measurement round 1
        ("glance", "33.0.0"),
        ("keystonemiddleware", "13.0.1"),
        ("paramiko", "5.1.0"),
        ("neutron", "29.0.0"),
        ("oslo.utils", "10.2.0"),
        # measurement round 2
        ("keystone", "30.0.0"),
        ("octavia", "19.0.0"),
        ("designate", "23.0.0"),
        ("barbican", "23.0.0"),
        ("manila", "23.0.1"),
        ("oslo.db", "18.1.1"),
        ("kombu", "5.7.0"),
        ("python-swiftclient", "4.11.0"),
        ("ironic-python-agent", "13.0.0"),
        ("taskflow", "6.5.0"),
        # measurement round 3
        ("magnum", "23.0.0"),
        ("trove", "26.0.0"),
        ("aodh", "23.0.0"),
        ("mistral", "23.0.0"),
        ("masakari", "22.0.0"),
        ("tacker", "16.0.0"),
        ("os-brick", "7.1.1"),
        ("tooz", "9.1.0"),
        ("openstacksdk", "4.22.0"),
        ("zun", "18.0.0"),
        ("cloudkitty", "25.0.0"),
        # measurement round 4
        ("senlin", "16.0.0"),
        ("vitrage", "15.0.1"),
        ("blazar", "18.0.0"),
        ("zaqar", "23.0.1"),
        ("freezer", "19.0.0"),
        ("python-openstackclient", "10.5.0"),
        ("oslo.log", "8.3.2"),
        ("oslo.config", "10.7.0"),
        ("castellan", "5.8.0"),
        ("os-ken", "4.2.2"),
        ("sahara", "19.0.0"),
        ("kuryr-kubernetes", "10.0.0"),
        ("storlets", "18.0.0"),
        ("monasca-api", "11.0.0"),
        # measurement round 5
        ("ovsdbapp", "3.0.0"),
        ("neutron-lib", "5.0.1"),
        ("networking-bgpvpn", "25.0.0"),
        ("octavia-lib", "3.12.0"),
        ("oslo.policy", "6.0.1"),
        ("futurist", "3.5.0"),
        ("stevedore", "5.10.0"),
        ("cliff", "4.17.0"),
        ("python-heatclient", "5.3.0"),
        ("celery", "5.7.0"),
        ("fabric", "3.2.3"),
        ("twisted", "26.10.0"),
        # measurement round 6
        ("ironic", "39.0.0"),
        ("glance-store", "5.7.0"),
        ("keystoneauth1", "5.18.1"),
        ("python-keystoneclient", "6.0.0"),
        ("python-cinderclient", "9.10.0"),
        ("oslo.privsep", "3.12.0"),
        ("oslo.middleware", "8.2.0"),
        ("oslo.versionedobjects", "3.12.0"),
        ("eventlet", "0.41.3"),
        ("kazoo", "2.11.0"),
        # measurement round 7
        ("python-glanceclient", "4.13.0"),
        ("python-neutronclient", "14.0.0"),
        ("python-ironicclient", "6.3.0"),
        ("oslo.cache", "4.3.0"),
        ("oslo.serialization", "5.11.0"),
        ("oslo.rootwrap", "7.10.0"),
        ("dogpile.cache", "1.5.0"),
        ("pika", "1.4.4"),
        ("sqlalchemy-migrate", "0.13.0"),
        ("websockify", "0.13.0"),
        ("gunicorn", "27.0.1"),
        # measurement round 8
        ("pecan", "1.8.0"),
        ("webob", "1.8.11"),
        ("routes", "2.5.1"),
        ("paste", "3.10.1"),
        ("tenacity", "9.2.1"),
        ("python-mistralclient", "6.3.0"),
        ("python-troveclient", "8.11.0"),
        ("osc-lib", "4.7.0"),
        ("automaton", "3.5.0"),
        ("oslo.reports", "3.9.0"),
        ("flask", "3.1.3"),
        ("werkzeug", "3.1.9"),
        # measurement round 9
        ("openstack-heat", "27.0.1"),
        ("python-watcher", "17.0.0"),
        ("openstack-cyborg", "17.0.0"),
        ("openstack-placement", "16.0.0"),
        ("ceilometer", "27.0.0"),
        ("oslo.service", "4.8.0"),
        ("ironic-inspector", "12.5.0"),
        ("sushy", "5.14.0"),
        ("apache-libcloud", "3.9.1"),
        ("ncclient", "0.7.1"),
        ("netmiko", "4.8.0"),
        ("docker", "7.2.0"),
        ("oslo.vmware", "4.10.1"),
        ("pyghmi", "1.6.19"),
        ("os-net-config", "18.1.0"),
        ("networking-generic-switch", "10.2.0"),
        ("neutron-vpnaas", "29.0.0"),
        ("neutron-dynamic-routing", "29.0.0"),
        ("tripleo-common", "18.0.0"),
        ("hvac", "2.4.0"),
        ("python-jenkins", "1.8.3"),
        ("proxmoxer", "2.3.0"),
        ("ansible-core", "2.19.14"),
        ("salt", "3008.5"),
        # measurement round 10
        ("gnocchi", "4.7.1"),
        ("neutron-fwaas", "25.0.0"),
        ("networking-sfc", "23.0.0"),
        ("ovn-octavia-provider", "11.0.0"),
        ("networking-baremetal", "8.1.0"),
        ("virtualbmc", "3.3.0"),
        ("sushy-tools", "2.2.0"),
        ("kolla", "23.0.0"),
        ("masakari-monitors", "22.0.0"),
        ("kuryr-libnetwork", "18.0.0"),
        ("python-manilaclient", "6.3.0"),
        ("boto", "2.49.0"),
        ("pywinrm", "0.5.0"),
        ("supervisor", "4.3.0"),
        ("luigi", "3.8.1"),
        ("ldap3", "2.9.1"),
        # measurement round 11
        ("monasca-agent", "10.0.0"),
        ("os-vif", "5.3.0"),
        ("os-win", "5.9.0"),
        ("osprofiler", "4.4.0"),
        ("pycadf", "4.1.0"),
        ("python-designateclient", "7.0.0"),
        ("python-octaviaclient", "3.15.0"),
        ("metalsmith", "2.5.0"),
        ("ironic-lib", "7.0.0"),
        ("python-barbicanclient", "7.6.0"),
        ("pymemcache", "4.0.0"),
        ("pyroute2", "0.9.7"),
        ("tornado", "6.6.1"),
        ("bottle", "0.13.4"),
        ("cherrypy", "18.10.0"),
        ("dnspython", "2.9.2"),
        ("pexpect", "4.9.0"),
        ("httplib2", "0.32.1"),
        ("kafka-python", "3.0.12"),
        ("paho-mqtt", "2.2.0"),
        # measurement round 12
        ("python-magnumclient", "5.0.0"),
        ("python-zaqarclient", "4.7.0"),
        ("python-tackerclient", "2.6.0"),
        ("diskimage-builder", "3.43.0"),
        ("os-collect-config", "14.1.0"),
        ("python-tripleoclient", "20.0.0"),
        ("etcd3gw", "2.7.0"),
        ("asyncssh", "2.24.1"),
        ("redis", "8.1.0"),
        ("rq", "3.0.0"),
        ("apscheduler", "3.11.3"),
        ("waitress", "3.0.2"),
        ("falcon", "4.4.0"),
        ("httpx", "0.28.1"),
        ("urllib3", "2.8.0"),
        ("napalm", "5.2.0"),
        ("scp", "0.16.2"),
        ("sshtunnel", "0.5.1"),
        ("dramatiq", "2.2.1"),
        ("huey", "3.5.4"),
        ("junos-eznc", "2.8.2"),
        ("pymongo", "4.20.1"),
        # measurement round 13
        ("freezer-api", "19.0.0"),
        ("ec2-api", "17.0.0"),
        ("tosca-parser", "2.15.0"),
        ("heat-translator", "3.5.0"),
        ("networking-bagpipe", "25.0.0"),
        ("networking-l2gw", "22.0.0"),
        ("tap-as-a-service", "18.0.0"),
        ("monasca-common", "3.8.0"),
        ("cinderlib", "5.2.0"),
        ("python-zunclient", "5.5.0"),
        ("python-watcherclient", "4.11.0"),
        ("python-saharaclient", "4.2.0"),
        ("pysnmp", "7.1.30"),
        ("pyasn1", "0.6.5"),
        ("oauthlib", "4.0.1"),
        ("authlib", "1.9.10"),
        ("zeroconf", "0.154.0"),
        ("python-gitlab", "8.6.0"),
        ("invoke", "3.0.3"),
        ("plumbum", "2.0.2"),
        ("smbprotocol", "1.17.0"),
        ("opensearch-py", "3.2.0"),
        ("pysaml2", "7.5.5"),
        ("amqp", "5.4.2"),
        ("jira", "3.10.5"),
        ("sh", "2.4.0"),
        ("monasca-notification", "9.0.0"),
        ("monasca-persister", "9.0.0"),
        ("python-senlinclient", "3.1.0"),
        ("ironic-prometheus-exporter", "4.10.0"),
        ("glean", "1.25.1"),
        # round 13 gave 37 findings on the projects above: more unseen projects for a 40+ sample
        ("networking-odl", "22.0.0"),
        ("solum", "15.0.0"),
        ("searchlight", "9.0.0"),
        ("qinling", "5.0.0"),
        ("panko", "10.0.0"),
        ("monasca-log-api", "2.11.0"),
        ("vmware-nsx", "17.0.0"),
        ("ovn-bgp-agent", "7.0.0"),
        ("python-muranoclient", "2.8.0"),
        ("python-monascaclient", "2.8.0"),
        ("nodepool", "11.0.0"),
        ("gertty", "1.6.0"),
        ("git-review", "2.5.0"),
        ("influxdb-client", "1.50.0"),
        # measurement round 14
        ("murano", "16.0.0"),
        ("karbor", "1.6.0"),
        ("openstack-congress", "11.0.0"),
        ("tricircle", "8.0.0"),
        ("jenkins-job-builder", "6.5.0"),
        ("networking-cisco", "10.0.0"),
        ("networking-arista", "2025.1.0"),
        ("networking-mlnx", "21.0.0"),
        ("networking-hyperv", "14.0.0"),
        ("os-xenapi", "0.3.4"),
        ("refstack", "2.1.0"),
        ("storyboard", "0.1.9"),
        ("ironic-staging-drivers", "0.17.0"),
        ("murano-agent", "12.0.0"),
        ("freezer-dr", "15.0.0"),
        ("monasca-events-api", "8.0.0"),
        ("python-karborclient", "2.1.0"),
        ("python-solumclient", "3.8.0"),
        ("python-cloudkittyclient", "6.2.0"),
        ("osc-placement", "4.9.1"),
        ("trio", "0.35.0"),
        ("sanic", "25.12.1"),
        ("google-auth", "2.63.0"),
        ("azure-core", "1.41.0"),
        ("certbot", "5.8.0"),
        ("ldaptor", "21.2.0"),
        ("msal", "1.39.0"),
        ("anyio", "4.16.0"),
        ("aiokafka", "0.14.0"),
        ("psycopg", "3.3.9"),
        ("websockets", "17.4"),
        ("alembic", "1.20.1"),
        ("pypsrp", "0.9.1"),
        ("python-socketio", "5.18.1"),
        ("python-engineio", "4.15.1"),
        ("uvicorn", "0.54.0"),
        ("minio", "7.2.20"),
        ("aio-pika", "10.2.1"),
        ("pyopenssl", "26.4.0"),
        ("jwcrypto", "1.6.1"),
        # measurement round 15
        ("group-based-policy", "18.0.0"),
        ("rally-openstack", "4.1.0"),
        ("proliantutils", "2.16.3"),
        ("vmware-nsxlib", "19.4.3"),
        ("networking-ovn", "7.4.1"),
        ("dragonflow", "4.0.0"),
        ("neutron-lbaas", "14.0.1"),
        ("networking-infoblox", "19.0.0"),
        ("networking-midonet", "11.0.0"),
        ("python-dracclient", "8.0.0"),
        ("python-ceilometerclient", "2.9.0"),
        ("python-scciclient", "0.17.0"),
        ("sahara-plugin-vanilla", "10.0.0"),
        ("heat-agents", "13.0.0"),
        ("gnocchiclient", "7.2.0"),
        ("python-freezerclient", "6.5.0"),
        ("aodhclient", "3.12.0"),
        ("python-blazarclient", "4.6.0"),
        ("sushy-oem-idrac", "6.0.0"),
        ("zuul-client", "14.0.0"),
        ("aiohttp", "3.14.5"),
        ("pyramid", "2.1"),
        ("rich", "15.0.0"),
        ("click", "8.5.1"),
        ("s3transfer", "0.19.3"),
        ("pyspnego", "0.12.4"),
        ("jinja2", "3.1.6"),
        ("starlette", "1.10.0"),
        ("nameko", "2.14.1"),
        ("python-keycloak", "7.1.1"),
        ("mako", "1.4.3"),
        ("pyeapi", "1.0.4"),
        ("h2", "4.4.1"),
        ("motor", "3.7.1"),
        ("structlog", "26.1.0"),
        ("watchdog", "7.1.0"),
        ("billiard", "4.3.2"),
        ("httpcore", "1.0.9"),
        ("cheroot", "11.1.2"),
        ("pyjwt", "2.15.1"),
        # measurement round 16
        ("pykmip", "0.11.0"),
        ("cloudbase-init", "1.1.9"),
        ("python-fuelclient", "11.0.0"),
        ("glare", "5.0.1"),
        ("networking-vsphere", "2.0.0"),
        ("yaql", "3.2.0"),
        ("f5-openstack-agent", "10.1.0"),
        ("a10-neutron-lbaas", "1.8.1"),
        ("validations-libs", "1.9.0"),
        ("kingbird", "1.3.0"),
        ("sahara-plugin-cdh", "10.0.0"),
        ("networking-fujitsu", "8.0.0"),
        ("networking-calico", "3.12.0"),
        ("python-qinlingclient", "5.1.1"),
        ("networking-bigswitch", "15.0.2"),
        ("networking-nec", "2.0.0"),
        ("pbr", "7.1.3"),
        ("wsme", "0.13.0"),
        ("sahara-plugin-mapr", "10.0.0"),
        ("python-group-based-policy-client", "14.0.0"),
        ("oslo.i18n", "6.9.0"),
        ("oslo.context", "6.5.0"),
        ("buildbot", "4.3.0"),
        ("pypowervm", "1.1.27"),
        ("zvmcloudconnector", "1.6.3"),
        ("cmd2", "4.3.1"),
        ("pyinfra", "3.10.0"),
        ("docker-compose", "1.29.2"),
        ("pysmb", "1.2.15"),
        ("datadog", "0.56.0"),
        ("mitogen", "0.3.54"),
        ("aiobotocore", "3.10.0"),
        ("fsspec", "2026.9.0"),
        ("peewee", "4.5.3"),
        ("elastic-apm", "6.26.2"),
        ("mongoengine", "0.29.3"),
        ("marshmallow", "4.4.0"),
        ("acos-client", "2.10.0"),
        ("raven", "6.10.0"),
        ("amqpstorm", "3.1.4"),
        ("circus", "0.19.0"),
        ("jsonschema", "4.26.0"),
        # measurement round 17
        ("cloudferry", "1.55.2"),
        ("pyrax", "1.10.0"),
        ("f5-sdk", "3.0.21"),
        ("a10-octavia", "2.2.0"),
        ("ovs", "4.0.0"),
        ("python-adjutant", "13.0.0"),
        ("networking-plumgrid", "2016.2.6.8"),
        ("iotronic", "0.4.17"),
        ("hponeview", "5.3.0"),
        ("infinisdk", "289.1.4"),
        ("openstack-venus", "7.0.0"),
        ("stackalytics", "1.0.0"),
        ("bsnstacklib", "20153.36.12"),
        ("subunit2sql", "1.10.0"),
        ("python-3parclient", "4.4"),
        ("magnum-capi-helm", "1.4.0"),
        ("pyshaker", "1.4.2"),
        ("os-faults", "0.3.0"),
        ("caso", "5.2.2"),
        ("paunch", "7.0.4"),
        ("apicapi", "1.0.14"),
        ("scrapy", "2.19.0"),
        ("softlayer", "6.2.9"),
        ("spyne", "2.14.0"),
        ("social-auth-core", "7.0.0"),
        ("kopf", "1.45.2"),
        ("djangorestframework", "3.18.3"),
        ("linode-api4", "5.48.0"),
        ("flask-security-too", "5.9.2"),
        ("azure-identity", "1.27.0"),
        ("hcloud", "2.27.0"),
        ("zeep", "4.3.3"),
        ("eve", "2.1.0"),
        ("pyro5", "5.17"),
        ("taskiq", "0.13.0"),
        ("pyftpdlib", "2.2.0"),
        ("pyrad", "2.6.0"),
        ("nats-py", "2.16.0"),
        ("hypercorn", "0.18.0"),
        ("ansible-runner", "2.4.3"),
        ("sshuttle", "2.0.0"),
        # measurement round 18
        ("zhmcclient", "1.26.0"),
        ("charmhelpers", "1.2.1"),
        ("storops", "1.2.12"),
        ("rsd-lib", "1.2.0"),
        ("pyu4v", "10.4.0.0"),
        ("python-linstor", "1.28.2"),
        ("tuskar", "0.4.18"),
        ("ceph-deploy", "2.0.1"),
        ("esi-leap", "1.0.0"),
        ("python-ilorest-library", "7.4.0.0"),
        ("pypowerstore", "3.5.1.0"),
        ("pypowerflex", "2.0.1"),
        ("python-kingbirdclient", "0.2.1"),
        ("reno", "4.1.0"),
        ("storpool", "7.3.0"),
        ("redfish", "3.4.2"),
        ("os-cloud-config", "6.0.0"),
        ("sahara-plugin-ambari", "10.0.0"),
        ("mistral-extra", "17.0.0"),
        ("purestorage", "1.19.0"),
        ("networking-huawei", "1.0.0"),
        ("python-ibmcclient", "0.2.5.1"),
        ("atlassian-python-api", "5.0.5"),
        ("django-allauth", "65.22.1"),
        ("litestar", "2.25.0"),
        ("piccolo", "1.38.0"),
        ("pydal", "3.20260526.0"),
        ("neo4j", "6.4.1"),
        ("suds-community", "1.2.0"),
        ("python3-openid", "3.2.0"),
        ("python-ipmi", "0.6.1"),
        ("sqlobject", "3.14.0"),
        ("exchangelib", "5.6.0"),
        ("turbogears2", "2.5.1"),
        ("gitpython", "3.2.1"),
        ("radicale", "3.9.0"),
        ("wsgidav", "4.4.0"),
        ("python-arango", "8.3.7"),
        ("cyclone", "1.3"),
        ("web.py", "0.76"),
        ("quart", "0.23.1"),
        # measurement round 19
        ("acitoolkit", "0.4"),
        ("avisdk", "32.1.4"),
        ("networking-fortinet", "1.1.4"),
        ("python-iotronicclient", "0.4.7"),
        ("python-tuskarclient", "0.1.18"),
        ("networking-hpe", "1.0.0"),
        ("python-glareclient", "0.5.3"),
        ("python-hnvclient", "0.1.0"),
        ("django-openstack-auth", "3.6.1"),
        ("python-venusclient", "2.6.0"),
        ("pyxcli", "1.2.1"),
        ("networking-spp", "21.0.0"),
        ("python-lefthandclient", "2.1.0"),
        ("python-congressclient", "2.0.1"),
        ("networking-ale-omniswitch", "1.0.1"),
        ("python-ironic-inspector-client", "5.4.0"),
        ("networking-powervm", "9.0.0"),
        ("heat-cfntools", "2.0.0"),
        ("python-searchlightclient", "2.1.1"),
        ("mistral-lib", "3.6.0"),
        ("kuryr-lib", "3.5.0"),
        ("dfs-sdk", "1.2.27"),
        ("awscli", "1.46.3"),
        ("mailman", "3.3.10"),
        ("slixmpp", "1.17.0"),
        ("distributed", "2026.8.0"),
        ("cobbler", "3.3.10"),
        ("aioxmpp", "0.13.3"),
        ("devpi-server", "6.20.3"),
        ("ZODB", "6.4"),
        ("sopel", "8.0.4"),
        ("b2sdk", "2.13.2"),
        ("diamond", "4.0.515"),
        ("dns-lexicon", "3.25.2"),
        ("matrix-nio", "0.26.0"),
        ("Pyro4", "4.82"),
        ("proxy.py", "2.4.10"),
        ("ZEO", "6.2"),
        ("koji", "1.36.1"),
        ("fido2", "2.2.1"),
        ("graphite-web", "1.1.10"),
        ("httpie", "3.2.4"),
        # measurement round 20
        ("python-observabilityclient", "1.4.0"),
        ("networking-dpm", "3.0.0"),
        ("python-rsdclient", "1.0.2"),
        ("sahara-plugin-spark", "10.0.0"),
        ("python-adjutantclient", "1.6.0"),
        ("jupyter-server", "2.21.1"),
        ("bandersnatch", "8.2.0"),
        ("podman", "5.8.0"),
        ("buildbot-worker", "4.3.0"),
        ("gallery-dl", "1.32.18"),
        ("streamlink", "8.6.3"),
        ("deluge", "2.2.0"),
        ("modoboa", "2.12.0"),
        ("faststream", "0.7.8"),
        ("jupyterhub", "6.1.1"),
        ("exabgp", "5.0.15"),
        ("pdm", "2.29.4"),
        ("oic", "1.7.0"),
        ("pan-os-python", "1.13.1"),
        ("opsdroid", "0.31.0"),
        ("emmett", "2.8.2"),
        ("o365", "2.1.10"),
        ("errbot", "6.2.1"),
        ("salmon-mail", "3.3.0"),
        ("flanker", "0.9.11"),
        ("yabgp", "0.8.2"),
        ("django-anymail", "15.2"),
        ("rethinkdb", "2.4.10.post1"),
        ("firebirdsql", "1.5.0"),
        ("python-tds", "1.17.1"),
        ("ariadne", "1.1.1"),
        ("jaeger-client", "4.8.0"),
        ("hyperkitty", "1.3.12"),
        ("jenkinsapi", "0.3.23"),
        ("amqtt", "0.12.1"),
        ("pysmi", "2.0.0"),
        ("imapclient", "4.1.0"),
        ("pyexasol", "3.0.1"),
        ("grpclib", "0.4.9"),
        ("s3cmd", "2.4.0"),
        # measurement round 21
        ("python-miio", "0.5.12"),
        ("hap-python", "5.2.0"),
        ("slack-sdk", "3.48.0"),
        ("slack-bolt", "1.30.0"),
        ("discord-py", "2.7.1"),
        ("datadog-checks-base", "37.11.0"),
        ("litecli", "1.17.1"),
        ("python-digitalocean", "1.17.0"),
        ("pynetbox", "7.9.0"),
        ("icinga2api", "0.6.1"),
        ("nagiosplugin", "1.4.0"),
        ("mautrix", "0.21.1"),
        ("maubot", "0.6.0"),
        ("roundup", "2.6.0"),
        ("presto-python-client", "0.8.4"),
        ("pyhive", "0.7.0"),
        ("happybase", "1.3.0"),
        ("py2neo", "2021.2.4"),
        ("pyarango", "2.1.1"),
        ("couchdb", "1.2"),
        ("hbmqtt", "0.9.6"),
        ("gmqtt", "0.8.0"),
        ("scrapli", "2026.10.14"),
        ("textfsm", "2.1.0"),
        ("pymodbus", "3.16.1"),
        ("dpkt", "1.9.8"),
        ("aiocoap", "0.4.17"),
        ("python-consul", "1.1.0"),
        ("python-etcd", "0.4.5"),
        ("bodhi-server", "26.4.0"),
        ("copr-cli", "2.6"),
        ("osc", "1.28.0"),
        ("conan", "2.34.0"),
        ("pipx", "1.18.4"),
        ("imap-tools", "1.16.0"),
        ("pyorient", "1.5.5"),
        ("tinydb", "4.9.0"),
        ("pywikibot", "11.9.0"),
        ("mopidy", "4.0.5"),
        ("kinto", "26.5.0"),
        # measurement round 22
        ("horizon", "27.0.0"),
        ("python-vitrageclient", "5.4.0"),
        ("python-masakariclient", "8.9.0"),
        ("python-cyborgclient", "3.0.0"),
        ("oslo.limit", "2.12.0"),
        ("oslo.upgradecheck", "2.8.0"),
        ("os-apply-config", "14.1.0"),
        ("glances", "4.5.8"),
        ("octoprint", "1.11.8"),
        ("locust", "2.47.0"),
        ("beets", "2.14.1"),
        ("yt-dlp", "2026.10.26"),
        ("python-telegram-bot", "22.8"),
        ("tweepy", "4.17.0"),
        ("zulip", "0.9.1"),
        ("limnoria", "2026.10.4"),
        ("sentry-sdk", "2.75.0"),
        ("elasticsearch", "9.5.1"),
        ("cassandra-driver", "3.30.1"),
        ("pysolr", "3.11.0"),
        ("stomp.py", "9.0.0"),
        ("python-memcached", "1.62"),
        ("pymysql", "1.2.4"),
        ("aiomysql", "0.3.2"),
        ("aiopg", "1.4.0"),
        ("aiosmtpd", "1.4.6"),
        ("aiosmtplib", "5.1.3"),
        ("daphne", "4.2.3"),
        ("channels", "4.3.2"),
        ("connexion", "3.3.0"),
        ("flask-restx", "1.3.2"),
        ("parallel-ssh", "2.16.0.post1"),
        ("ciscoconfparse", "1.9.52"),
        ("nornir", "3.6.0"),
        ("dulwich", "1.2.21"),
        ("python-bugzilla", "3.3.0"),
        ("trac", "1.6"),
        ("pgcli", "4.7.1"),
        ("isso", "0.14.0"),
        ("vdirsyncer", "0.21.0"),
    ],
    # Never read while writing or tuning rules: the next round picks fresh projects here.
    "measure": [
        # measurement round 23
        ("heat-dashboard", "16.0.0"),
        ("octavia-dashboard", "18.0.0"),
        ("manila-ui", "16.0.0"),
        ("designate-dashboard", "23.0.0"),
        ("skyline-apiserver", "9.0.0"),
        ("kolla-ansible", "23.0.0"),
        ("oslo.metrics", "0.17.0"),
        ("os-client-config", "2.3.0"),
        ("gns3-server", "3.0.6"),
        ("autobahn", "26.11.1"),
        ("khal", "0.14.1"),
        ("carbon", "1.1.10"),
        ("flower", "2.2.0"),
        ("gevent", "26.9.0"),
        ("clickhouse-driver", "0.2.11"),
        ("trino", "0.340.0"),
        ("pydruid", "0.6.9"),
        ("mattermostdriver", "7.3.2"),
        ("pytelegrambotapi", "4.37.1"),
        ("irc", "20.5.0"),
        ("twitchio", "3.3.2"),
        ("pyzabbix", "1.3.1"),
        ("honcho", "2.0.0"),
        ("requests-oauthlib", "2.0.0"),
        ("duo-client", "5.7.0"),
        ("python3-saml", "1.16.0"),
        ("flask-login", "0.6.3"),
        ("flask-jwt-extended", "4.7.4"),
        ("asyncua", "2.1.0"),
        ("pycomm3", "1.2.16"),
        ("ttp", "0.10.1"),
        ("ssh-audit", "3.9.0"),
        ("ara", "1.8.0"),
        ("ibm-cloud-sdk-core", "3.28.0"),
        ("clickhouse-connect", "1.12.0"),
        ("databricks-sql-connector", "4.9.0"),
        ("mlflow", "3.18.0"),
        ("rocketchat-api", "3.7.1"),
        ("pysftp", "0.2.9"),
        ("os-refresh-config", "14.1.0"),
    ],
}
HELD_OUT = {"nova"}
INDEX = os.environ.get("REVIEWBOT_CORPUS_INDEX", "https://pypi.org/simple")


def corpus_dir() -> Path:
    default = Path.home() / ".cache" / "reviewbot-corpus"
    return Path(os.environ.get("REVIEWBOT_CORPUS_DIR", default))


def _unpack(archive: Path, dest: Path) -> None:
    dest.mkdir(parents=True, exist_ok=True)
    if archive.name.endswith((".tar.gz", ".tgz")):
        with tarfile.open(archive) as tf:
            tf.extractall(dest, filter="data")
    elif archive.suffix == ".zip":
        with zipfile.ZipFile(archive) as zf:
            for info in zf.infolist():
                target = (dest / info.filename).resolve()
                if not target.is_relative_to(dest.resolve()):
                    raise ValueError(f"unsafe path in {archive}: {info.filename}")
            zf.extractall(dest)
    else:
        raise ValueError(f"unknown archive type: {archive}")


def project_dir(name: str, version: str) -> Path:
    return corpus_dir() / "src" / f"{name}-{version}"


def _sdist_url(name: str, version: str) -> tuple[str, str]:
    """(url, sha256) of the sdist from PyPI's JSON simple API (PEP 691)."""
    req = urllib.request.Request(f"{INDEX}/{name}/", headers={"Accept": "application/vnd.pypi.simple.v1+json"})
    with urllib.request.urlopen(req, timeout=60) as resp:
        files = json.load(resp)["files"]
    norm = re.sub(r"[-_.]+", "_", name).lower()
    for f in files:
        fname = f["filename"]
        stem = re.sub(r"[-_.]+", "_", fname.lower())
        if fname.endswith(".tar.gz") and stem == f"{norm}_{version.replace('.', '_')}_tar_gz":
            return f["url"], f["hashes"]["sha256"]
    raise SystemExit(f"no sdist for {name}=={version} on {INDEX}")


def fetch(half: str | None = None) -> None:
    base = corpus_dir()
    dl = base / "sdists"
    dl.mkdir(parents=True, exist_ok=True)
    halves = [half] if half else list(CORPUS)
    for h in halves:
        for name, version in CORPUS[h]:
            assert name not in HELD_OUT
            dest = project_dir(name, version)
            if dest.exists():
                continue
            url, sha = _sdist_url(name, version)
            archive = dl / url.rsplit("/", 1)[1]
            if not archive.exists():
                print(f"downloading {name}=={version}", file=sys.stderr)
                with urllib.request.urlopen(url, timeout=300) as resp:
                    data = resp.read()
                if hashlib.sha256(data).hexdigest() != sha:
                    raise SystemExit(f"sha256 mismatch for {archive.name}")
                archive.write_bytes(data)
            tmp = dest.with_name(dest.name + ".part")
            shutil.rmtree(tmp, ignore_errors=True)
            _unpack(archive, tmp)
            inner = [p for p in tmp.iterdir() if p.is_dir()]
            (inner[0] if len(inner) == 1 else tmp).rename(dest)
            shutil.rmtree(tmp, ignore_errors=True)


def python_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*.py") if p.is_file())


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("command", choices=["fetch", "paths", "lines"])
    ap.add_argument("half", nargs="?", choices=list(CORPUS))
    args = ap.parse_args(argv)
    if args.command == "fetch":
        fetch(args.half)
        return 0
    halves = [args.half] if args.half else list(CORPUS)
    total = 0
    for h in halves:
        for name, version in CORPUS[h]:
            d = project_dir(name, version)
            if args.command == "paths":
                print(d)
            else:
                n = sum(len(p.read_bytes().splitlines()) for p in python_files(d))
                total += n
                print(f"{h:8} {name:22} {n:8d}")
    if args.command == "lines":
        print(f"{'total':31} {total:8d}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
