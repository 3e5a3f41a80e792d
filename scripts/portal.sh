#!/usr/bin/env bash
# Sets up, starts and stops a Poitiers CKAN portal on real PostgreSQL, Redis and Apache Solr 9.
#
#   scripts/portal.sh demo     install what is missing, start services, load demo content, serve :5000
#   scripts/portal.sh test     install what is missing, start services, run the whole test suite
#   scripts/portal.sh stop     stop what these commands started (by recorded pid only)
#   scripts/portal.sh status   show what runs
#   scripts/portal.sh setup    install and start services, no demo content, no web server
#   scripts/portal.sh start-postgres|start-redis|start-solr   one service
#
# Everything it writes lives in .run/ (services' data, logs, pids, generated ckan.ini) and in the
# virtualenv .venv-<CKAN_VERSION>/. Both are reused by the next run. Settings (environment):
#   CKAN_VERSION (2.12 or 2.11), POITIERS_PG_PORT (5433), POITIERS_REDIS_PORT (6380),
#   POITIERS_SOLR_PORT (8983), POITIERS_WEB_PORT (5000), PYTHON (python3), POITIERS_RUN_DIR (.run),
#   JAVA (java), MVN (mvn), POITIERS_MVN_ARGS (extra Maven options, e.g. a mirror)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CKAN_VERSION="${CKAN_VERSION:-2.12}"
case "$CKAN_VERSION" in
  2.12) CKAN_REQ="$ROOT/requirements/ckan-2.12.txt" ;;
  2.11) CKAN_REQ="$ROOT/requirements/ckan-2.11.txt" ;;
  *) echo "CKAN_VERSION=$CKAN_VERSION non pris en charge (2.12 ou 2.11)." >&2; exit 2 ;;
esac
SUFFIX="${CKAN_VERSION/./_}"
RUN="${POITIERS_RUN_DIR:-$ROOT/.run}"
VENV="${POITIERS_VENV:-$ROOT/.venv-$CKAN_VERSION}"
PG_PORT="${POITIERS_PG_PORT:-5433}"
REDIS_PORT="${POITIERS_REDIS_PORT:-6380}"
SOLR_PORT="${POITIERS_SOLR_PORT:-8983}"
WEB_PORT="${POITIERS_WEB_PORT:-5000}"
PYTHON="${PYTHON:-python3}"
JAVA="${JAVA:-java}"
MVN="${MVN:-mvn}"
DB_USER=ckan_default
DB_PASS=pass
DB_MAIN="ckan_poitiers_$SUFFIX"
DB_TEST="ckan_poitiers_test_$SUFFIX"
SOLR_URL="http://127.0.0.1:$SOLR_PORT/solr/ckan"
INI="$RUN/ckan-$CKAN_VERSION.ini"
LOGS="$RUN/logs"
SOLR_LIB="$RUN/solr-lib"
MVN_DEP_PLUGIN="org.apache.maven.plugins:maven-dependency-plugin:3.8.1"

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
die() { printf 'ERREUR : %s\n' "$*" >&2; exit 1; }
alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }
port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
stamp() { date +%s; }

# ---------------------------------------------------------------------------------------------
# 1. System packages (Debian 12): installed only when missing
# ---------------------------------------------------------------------------------------------
pg_bindir() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }

install_system() {
  local missing=()
  [ -n "$(pg_bindir)" ] && [ -x "$(pg_bindir)/initdb" ] || missing+=(postgresql)
  command -v pg_config >/dev/null || missing+=(libpq-dev)
  command -v redis-server >/dev/null || missing+=(redis-server)
  command -v java >/dev/null || missing+=(openjdk-17-jdk-headless)
  command -v javac >/dev/null || missing+=(openjdk-17-jdk-headless)
  command -v mvn >/dev/null || missing+=(maven)
  command -v curl >/dev/null || missing+=(curl)
  command -v runuser >/dev/null || missing+=(util-linux)
  command -v msgfmt >/dev/null || missing+=(gettext)
  if [ "${1:-}" = browser ]; then # the browser tests: Debian's chromium, npm for axe-core
    command -v chromium >/dev/null || missing+=(chromium)
    command -v npm >/dev/null || missing+=(npm)
  fi
  "$PYTHON" -c 'import venv, ensurepip' 2>/dev/null || missing+=(python3-venv)
  if [ ${#missing[@]} -gt 0 ]; then
    say "Paquets Debian manquants : ${missing[*]}"
    [ "$(id -u)" = 0 ] || die "installez-les (root requis) : apt-get install ${missing[*]}"
    command -v apt-get >/dev/null || die "apt-get introuvable : installez ${missing[*]} à la main."
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    # policy-rc.d keeps Debian from starting system-wide services we do not use
    local policy=/usr/sbin/policy-rc.d created_policy=0
    if [ ! -e "$policy" ]; then printf '#!/bin/sh\nexit 101\n' > "$policy"; chmod +x "$policy"; created_policy=1; fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    [ "$created_policy" = 1 ] && rm -f "$policy"
  fi
  "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 10))' \
    || die "Python ≥ 3.10 requis ($PYTHON est $("$PYTHON" -V 2>&1))."
}

# ---------------------------------------------------------------------------------------------
# 2. Virtualenv with CKAN and this extension (re-installed only when a pin file changes)
# ---------------------------------------------------------------------------------------------
install_venv() {
  local want have
  want="$(cat "$CKAN_REQ" "$ROOT/requirements/dev.txt" "$ROOT/setup.py" | sha1sum | cut -c1-16)"
  have="$(cat "$VENV/.poitiers-installed" 2>/dev/null || true)"
  if [ "$want" = "$have" ] && [ -x "$VENV/bin/ckan" ]; then return 0; fi
  say "Virtualenv $VENV (CKAN $CKAN_VERSION)"
  [ -x "$VENV/bin/python" ] || "$PYTHON" -m venv "$VENV"
  "$VENV/bin/pip" install -q --upgrade "pip==25.3" "setuptools==80.9.0" wheel
  "$VENV/bin/pip" install -q -r "$CKAN_REQ" -r "$ROOT/requirements/dev.txt"
  "$VENV/bin/pip" install -q --no-deps -e "$ROOT" --config-settings editable_mode=compat
  "$VENV/bin/pip" check >/dev/null || { "$VENV/bin/pip" check; die "dépendances incohérentes"; }
  echo "$want" > "$VENV/.poitiers-installed"
}

# axe-core for the browser tests, from the npm registry at the version of package-lock.json
install_axe() {
  local want have
  want="$(sha1sum "$ROOT/package-lock.json" | cut -c1-16)"
  have="$(cat "$ROOT/node_modules/.poitiers-installed" 2>/dev/null || true)"
  if [ "$want" = "$have" ] && [ -f "$ROOT/node_modules/axe-core/axe.min.js" ]; then return 0; fi
  say "axe-core (npm ci)"
  (cd "$ROOT" && npm ci --no-audit --no-fund --loglevel=error >/dev/null) || die "npm ci a échoué (registre npm injoignable ?)."
  echo "$want" > "$ROOT/node_modules/.poitiers-installed"
}

# ---------------------------------------------------------------------------------------------
# 3. PostgreSQL: a cluster of our own in .run/postgres, run by the postgres user
# ---------------------------------------------------------------------------------------------
PGDATA="$RUN/postgres"
PGSOCK="$RUN/pgsock"
as_pg() { runuser -u postgres -- "$@"; }
psql_pg() { as_pg "$(pg_bindir)/psql" -h "$PGSOCK" -p "$PG_PORT" -U postgres -qtAX "$@"; }

start_postgres() {
  local bin; bin="$(pg_bindir)"
  id postgres >/dev/null 2>&1 || die "l'utilisateur système « postgres » manque (paquet postgresql)."
  # postgres must be able to reach its data directory
  if ! as_pg test -x "$RUN"; then
    die "l'utilisateur postgres ne peut pas traverser $RUN ; choisissez POITIERS_RUN_DIR ailleurs (ex. /var/tmp/poitiers)."
  fi
  if [ ! -f "$PGDATA/PG_VERSION" ]; then
    say "PostgreSQL : création du cluster $PGDATA"
    mkdir -p "$PGDATA" "$PGSOCK"; chown postgres: "$PGDATA" "$PGSOCK"; chmod 700 "$PGDATA"
    as_pg "$bin/initdb" -D "$PGDATA" -U postgres -E UTF8 --locale=C.UTF-8 -A trust >/dev/null
  fi
  mkdir -p "$PGSOCK" "$LOGS"; chown postgres: "$PGSOCK"
  touch "$LOGS/postgres.log"; chown postgres: "$LOGS/postgres.log"
  if as_pg "$bin/pg_ctl" -D "$PGDATA" status >/dev/null 2>&1; then
    :
  else
    port_busy "$PG_PORT" && die "le port $PG_PORT (PostgreSQL) est déjà pris par un autre programme ; choisissez POITIERS_PG_PORT."
    say "PostgreSQL : démarrage sur 127.0.0.1:$PG_PORT"
    as_pg "$bin/pg_ctl" -D "$PGDATA" -l "$LOGS/postgres.log" -w -t 60 \
      -o "-p $PG_PORT -k $PGSOCK -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off" start >/dev/null \
      || { tail -n 20 "$LOGS/postgres.log"; die "PostgreSQL n'a pas démarré."; }
    touch "$RUN/postgres.started-by-us"
  fi
  if [ "$(psql_pg -c "SELECT 1 FROM pg_roles WHERE rolname='$DB_USER'")" != 1 ]; then
    psql_pg -c "CREATE ROLE $DB_USER LOGIN PASSWORD '$DB_PASS'"
  fi
  local db
  for db in "$DB_MAIN" "$DB_TEST"; do
    if [ "$(psql_pg -c "SELECT 1 FROM pg_database WHERE datname='$db'")" != 1 ]; then
      psql_pg -c "CREATE DATABASE $db OWNER $DB_USER ENCODING 'UTF8'"
    fi
  done
}

# ---------------------------------------------------------------------------------------------
# 4. Redis (harvest queues, CKAN jobs and sessions)
# ---------------------------------------------------------------------------------------------
start_redis() {
  mkdir -p "$RUN/redis" "$LOGS"
  alive "$RUN/redis.pid" && return 0
  port_busy "$REDIS_PORT" && die "le port $REDIS_PORT (Redis) est déjà pris par un autre programme ; choisissez POITIERS_REDIS_PORT."
  say "Redis : démarrage sur 127.0.0.1:$REDIS_PORT"
  redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --daemonize yes --pidfile "$RUN/redis.pid" \
    --dir "$RUN/redis" --logfile "$LOGS/redis.log" --save "" --appendonly no >/dev/null
  for _ in $(seq 1 50); do alive "$RUN/redis.pid" && redis-cli -p "$REDIS_PORT" ping 2>/dev/null | grep -q PONG && return 0; sleep 0.1; done
  tail -n 20 "$LOGS/redis.log"; die "Redis n'a pas démarré."
}

# ---------------------------------------------------------------------------------------------
# 5. Apache Solr 9 from Maven Central jars (no Docker, no tarball)
# ---------------------------------------------------------------------------------------------
solr_ping() { curl -fsS -m 5 "$SOLR_URL/admin/ping?wt=json" 2>/dev/null | grep -q '"status":"OK"'; }

solr_jars() {
  [ -f "$SOLR_LIB/.complete" ] && return 0
  command -v "$MVN" >/dev/null || die "Maven introuvable ($MVN) : apt-get install maven"
  say "Solr : téléchargement des jars depuis Maven Central (une seule fois)"
  rm -rf "$SOLR_LIB"
  # shellcheck disable=SC2086 # POITIERS_MVN_ARGS: extra Maven options (mirror, settings…)
  if ! "$MVN" -B -q ${POITIERS_MVN_ARGS:-} -f "$ROOT/config/solr/pom.xml" "$MVN_DEP_PLUGIN:copy-dependencies" \
        -DincludeScope=runtime -DoutputDirectory="$SOLR_LIB" > "$RUN/maven.log" 2>&1; then
    tail -n 15 "$RUN/maven.log" >&2
    die "Maven n'a pas pu récupérer Solr (Maven Central injoignable ?). Journal : $RUN/maven.log"
  fi
  local jetty
  jetty="$(ls "$SOLR_LIB" | sed -n 's/^jetty-\(server\|servlet\|http\|io\|util\)-\([0-9][^-]*\)\.jar$/\2/p' | sort -u | wc -l)"
  [ "$jetty" = 1 ] || die "versions de Jetty mélangées dans $SOLR_LIB"
  mkdir -p "$RUN/solr-build"
  "$(dirname "$(readlink -f "$(command -v "$JAVA")")")/javac" -nowarn -cp "$SOLR_LIB/*" -d "$RUN/solr-build" "$ROOT/config/solr/SolrLauncher.java"
  touch "$SOLR_LIB/.complete"
}

solr_schema() {
  # Our schema when the project ships one, otherwise the schema of the installed CKAN.
  # POITIERS_SOLR_SCHEMA=stock forces CKAN's own schema (tests and benchmark of the stock case).
  if [ "${POITIERS_SOLR_SCHEMA:-}" != stock ] && [ -f "$ROOT/config/solr/ckan/conf/schema.xml" ]; then
    echo "$ROOT/config/solr/ckan/conf/schema.xml"
  else
    "$VENV/bin/python" -c 'import ckan,os;print(os.path.join(os.path.dirname(ckan.__file__),"config","solr","schema.xml"))'
  fi
}

solr_live_schema() { curl -fsS -m 5 "$SOLR_URL/schema/name?wt=json" 2>/dev/null | sed -n 's/.*"name":"\([^"]*\)".*/\1/p'; }
schema_name() { sed -n 's/.*<schema[^>]* name="\([^"]*\)".*/\1/p' "$1" | head -n 1; }
# fingerprint of the schema and of the core's configuration files (synonyms, stopwords…)
solr_conf_sum() { cat "$1" "$ROOT"/config/solr/ckan/conf/* | sha1sum | cut -c1-16; }

start_solr() {
  local home="$RUN/solr/home" schema want
  schema="$(solr_schema)"
  [ -f "$schema" ] || die "schéma Solr introuvable : $schema"
  want="$(schema_name "$schema")"
  if alive "$RUN/solr.pid" && solr_ping; then
    if [ "$(solr_live_schema)" = "$want" ] \
       && [ "$(cat "$RUN/solr/conf.sum" 2>/dev/null)" = "$(solr_conf_sum "$schema")" ]; then
      return 0
    fi
    say "Solr : le schéma ou la configuration en service ne sont pas ceux de $schema ; redémarrage."
    stop_pidfile solr >/dev/null
  fi
  if port_busy "$SOLR_PORT"; then
    if solr_ping; then
      say "Solr : un Solr répond déjà sur $SOLR_URL (pas démarré par nous, schéma $(solr_live_schema)) ; on l'utilise."
      return 0
    fi
    die "le port $SOLR_PORT (Solr) est déjà pris par un autre programme ; choisissez POITIERS_SOLR_PORT."
  fi
  command -v "$JAVA" >/dev/null || die "Java (JDK 17) introuvable ($JAVA) : apt-get install openjdk-17-jdk-headless"
  solr_jars
  # the solr home is rebuilt from config/solr at each start (its index is kept in $RUN/solr/data)
  # an index built with another schema is dropped (field types differ); setup rebuilds it
  if [ -d "$RUN/solr/data/index" ] && [ "$(cat "$RUN/solr/conf.sum" 2>/dev/null)" != "$(solr_conf_sum "$schema")" ]; then
    say "Solr : nouveau schéma ou nouvelle configuration ; l'index sera reconstruit."
    rm -rf "$RUN/solr/data"; touch "$RUN/solr-reindex-needed"
  fi
  rm -rf "$home"; mkdir -p "$home/ckan/conf" "$RUN/solr/data" "$LOGS"
  cp "$ROOT/config/solr/solr.xml" "$home/solr.xml"
  cp "$ROOT"/config/solr/ckan/conf/* "$home/ckan/conf/"
  cp "$schema" "$home/ckan/conf/schema.xml"
  solr_conf_sum "$schema" > "$RUN/solr/conf.sum"
  printf 'name=ckan\ndataDir=%s\n' "$RUN/solr/data" > "$home/ckan/core.properties"
  say "Solr : démarrage sur $SOLR_URL"
  unset SOLR_MODULES
  nohup "$JAVA" -Xms256m -Xmx768m -Xss256k -XX:+UseG1GC \
    -XX:CompileCommand=quiet -XX:CompileCommand=exclude,com.github.benmanes.caffeine.cache.BoundedLocalCache::put \
    -Duser.timezone=UTC -Djava.awt.headless=true -Dfile.encoding=UTF-8 \
    -Dsolr.log.dir="$LOGS" -Dlog4j.configurationFile="$ROOT/config/solr/log4j2.xml" \
    -Dsolr.solr.home="$home" -Dsolr.allowPaths="$RUN/solr/data" \
    -cp "$RUN/solr-build:$SOLR_LIB/*" SolrLauncher "$home" "$SOLR_PORT" \
    > "$LOGS/solr.log" 2>&1 < /dev/null &
  echo $! > "$RUN/solr.pid"
  for _ in $(seq 1 240); do
    if solr_ping; then
      say "Solr prêt : $SOLR_URL ($(curl -fsS "$SOLR_URL/schema/name?wt=json" | tr -d '\n ' | sed 's/.*"name":"\([^"]*\)".*/schéma \1/'))"
      return 0
    fi
    alive "$RUN/solr.pid" || { tail -n 40 "$LOGS/solr.log" >&2; die "Solr s'est arrêté pendant le démarrage (journal : $LOGS/solr.log)."; }
    sleep 0.5
  done
  tail -n 40 "$LOGS/solr.log" >&2
  die "le cœur Solr « ckan » ne répond pas après 120 s (journal : $LOGS/solr.log)."
}

# ---------------------------------------------------------------------------------------------
# 6. CKAN configuration, database, sysadmin
# ---------------------------------------------------------------------------------------------
test_env() { # the test suite's services; CKAN reads these over test.ini
  export CKAN_SQLALCHEMY_URL="postgresql://$DB_USER:$DB_PASS@127.0.0.1:$PG_PORT/$DB_TEST"
  export CKAN_SOLR_URL="$SOLR_URL"
  export CKAN_REDIS_URL="redis://127.0.0.1:$REDIS_PORT/1"
  export POITIERS_VENV="$VENV" POITIERS_RUN_DIR="$RUN" POITIERS_SOLR_PORT="$SOLR_PORT" \
    POITIERS_PG_PORT="$PG_PORT" POITIERS_REDIS_PORT="$REDIS_PORT"
}

write_config() {
  mkdir -p "$RUN/storage"
  if [ ! -f "$INI" ]; then
    "$VENV/bin/ckan" generate config "$INI" >/dev/null
  fi
  "$VENV/bin/ckan" config-tool "$INI" -f "$ROOT/config/ckan/poitiers.ini"
  "$VENV/bin/ckan" config-tool "$INI" \
    "sqlalchemy.url=postgresql://$DB_USER:$DB_PASS@127.0.0.1:$PG_PORT/$DB_MAIN" \
    "solr_url=$SOLR_URL" \
    "ckan.redis.url=redis://127.0.0.1:$REDIS_PORT/0" \
    "ckan.site_url=http://localhost:$WEB_PORT" \
    "ckan.storage_path=$RUN/storage"
}

ckan_cli() { "$VENV/bin/ckan" -c "$INI" "$@"; }

init_db() {
  say "CKAN : base de données $DB_MAIN"
  ckan_cli db init >/dev/null 2>"$LOGS/db-init.log" || { cat "$LOGS/db-init.log" >&2; die "ckan db init a échoué."; }
  ckan_cli db pending-migrations --apply >/dev/null 2>>"$LOGS/db-init.log" \
    || { cat "$LOGS/db-init.log" >&2; die "les migrations des extensions ont échoué."; }
}

ensure_sysadmin() {
  local pass_file="$RUN/admin-password"
  if [ ! -f "$pass_file" ]; then
    "$VENV/bin/python" -c 'import secrets;print(secrets.token_urlsafe(12))' > "$pass_file"
    chmod 600 "$pass_file"
  fi
  ckan_cli poitiers ensure-sysadmin admin --email admin@localhost.invalid --password-file "$pass_file" 2>>"$LOGS/demo.log"
}

# ---------------------------------------------------------------------------------------------
# 7. Web server and harvest consumers (background, by pid)
# ---------------------------------------------------------------------------------------------
start_bg() { # name, command...
  local name="$1"; shift
  alive "$RUN/$name.pid" && return 0
  nohup "$@" > "$LOGS/$name.log" 2>&1 < /dev/null &
  echo $! > "$RUN/$name.pid"
}

wait_http() { # name (its pid and log), url, tries, pause, what (French, for messages)
  local name="$1" url="$2" tries="$3" pause="$4" what="$5"
  for _ in $(seq 1 "$tries"); do
    curl -fsS -m 5 -o /dev/null "$url" 2>/dev/null && return 0
    alive "$RUN/$name.pid" || { tail -n 30 "$LOGS/$name.log" >&2; die "$what s'est arrêté (journal : $LOGS/$name.log)."; }
    sleep "$pause"
  done
  die "$what ne répond pas (journal : $LOGS/$name.log)."
}

start_web() {
  # started again each time, as the demo server: a portal or a harvest consumer left running
  # kept the code and the configuration of its start (an option changed in ckan.ini, an upgrade)
  for name in web harvest-gather harvest-fetch; do stop_pidfile "$name" >/dev/null; done
  port_busy "$WEB_PORT" && die "le port $WEB_PORT (portail) est déjà pris ; choisissez POITIERS_WEB_PORT."
  say "Portail : démarrage sur http://localhost:$WEB_PORT"
  start_bg web "$VENV/bin/ckan" -c "$INI" run --host 0.0.0.0 --port "$WEB_PORT" --disable-reloader
  start_bg harvest-gather "$VENV/bin/ckan" -c "$INI" harvester gather-consumer
  start_bg harvest-fetch "$VENV/bin/ckan" -c "$INI" harvester fetch-consumer
  wait_http web "http://127.0.0.1:$WEB_PORT/api/3/action/status_show" 120 0.5 "le portail"
}

# ---------------------------------------------------------------------------------------------
# Commands
# ---------------------------------------------------------------------------------------------
cmd_setup() {
  local t0; t0=$(stamp)
  mkdir -p "$RUN" "$LOGS"
  install_system
  install_venv
  start_postgres
  start_redis
  start_solr
  write_config
  init_db
  if [ -f "$RUN/solr-reindex-needed" ]; then
    say "CKAN : reconstruction de l'index de recherche"
    ckan_cli search-index rebuild >/dev/null 2>>"$LOGS/db-init.log" || die "ckan search-index rebuild a échoué."
    rm -f "$RUN/solr-reindex-needed"
  fi
  echo "$(( $(stamp) - t0 ))" > "$RUN/last-setup-seconds"
}

# the demo's remote sources (Data Fair, udata, transport.data.gouv.fr, OpenAgenda, OpenDataSoft)
# on loopback, harvested by the demo portal; started again at each demo (it holds no state and
# starts at once), so that it serves the payloads of this checkout, not those of an older one
SOURCES_PORT="${POITIERS_SOURCES_PORT:-$((WEB_PORT + 1000))}"
start_demo_sources() {
  stop_pidfile demo-sources >/dev/null
  port_busy "$SOURCES_PORT" && die "le port $SOURCES_PORT (sources de démonstration) est déjà pris ; choisissez POITIERS_SOURCES_PORT."
  say "Sources moissonnées de démonstration : http://127.0.0.1:$SOURCES_PORT"
  start_bg demo-sources "$VENV/bin/python" -m ckanext.poitiers.demo_server --port "$SOURCES_PORT"
  wait_http demo-sources "http://127.0.0.1:$SOURCES_PORT/data-fair/api/v1/datasets?size=1" 50 0.2 \
    "le serveur des sources de démonstration"
}

cmd_demo() {
  local t0; t0=$(stamp)
  cmd_setup
  # demo portal only: its harvest sources are on loopback, which the SSRF guard refuses by default
  "$VENV/bin/ckan" config-tool "$INI" "ckanext.poitiers.harvest.allow_private_addresses=true"
  ensure_sysadmin
  say "Contenu de démonstration"
  ckan_cli poitiers demo load 2>"$LOGS/demo.log" || { tail -n 30 "$LOGS/demo.log" >&2; die "chargement de la démonstration impossible."; }
  start_demo_sources
  start_web
  say "Moissonnage des sources de démonstration"
  ckan_cli poitiers demo sources --url "http://127.0.0.1:$SOURCES_PORT" 2>>"$LOGS/demo.log" \
    || { tail -n 30 "$LOGS/demo.log" >&2; die "moissonnage de démonstration impossible (journaux : $LOGS/harvest-*.log)."; }
  # an unchanged harvest writes nothing: index what the search core may have lost meanwhile
  ckan_cli search-index rebuild -o >/dev/null 2>>"$LOGS/demo.log" || die "ckan search-index rebuild a échoué."
  cat <<EOF

Portail Poitiers prêt en $(( $(stamp) - t0 )) s : http://localhost:$WEB_PORT
  Connexion administrateur : identifiant « admin », mot de passe « $(cat "$RUN/admin-password") »
  Moissonnage : http://localhost:$WEB_PORT/harvest (sources servies par http://127.0.0.1:$SOURCES_PORT)
  Diagnostic : $VENV/bin/ckan -c $INI poitiers doctor
  Arrêt       : make stop
EOF
}

cmd_test() {
  install_system browser
  install_axe
  cmd_setup
  say "Tests (CKAN $CKAN_VERSION)"
  cd "$ROOT"
  "$VENV/bin/ruff" check . || die "ruff signale des problèmes de style."
  local rc=0
  (test_env; "$VENV/bin/python" -m pytest --ckan-ini=test.ini -p no:cacheprovider -rs --durations=25 "$@" tests) || rc=$?
  return "$rc"
}

stop_pidfile() { # name
  local f="$RUN/$1.pid" pid
  [ -f "$f" ] || return 0
  pid="$(cat "$f")"
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true
    echo "arrêté : $1 (pid $pid)"
  fi
  rm -f "$f"
}

cmd_stop() {
  stop_pidfile web
  stop_pidfile harvest-gather
  stop_pidfile harvest-fetch
  stop_pidfile demo-sources
  stop_pidfile solr
  if [ -f "$RUN/redis.pid" ]; then stop_pidfile redis; fi
  if [ -f "$RUN/postgres.started-by-us" ] && [ -f "$PGDATA/postmaster.pid" ]; then
    as_pg "$(pg_bindir)/pg_ctl" -D "$PGDATA" -m fast -w stop >/dev/null && echo "arrêté : postgres"
  fi
  rm -f "$RUN/postgres.started-by-us"
}

cmd_status() {
  local n
  for n in web harvest-gather harvest-fetch demo-sources solr redis; do
    if alive "$RUN/$n.pid"; then echo "$n : en marche (pid $(cat "$RUN/$n.pid"))"; else echo "$n : arrêté"; fi
  done
  if [ -f "$PGDATA/postmaster.pid" ] && kill -0 "$(head -n1 "$PGDATA/postmaster.pid")" 2>/dev/null; then
    echo "postgres : en marche (pid $(head -n1 "$PGDATA/postmaster.pid"))"
  else
    echo "postgres : arrêté"
  fi
}

case "${1:-}" in
  setup) shift; cmd_setup "$@" ;;
  demo) shift; cmd_demo "$@" ;;
  test) shift; cmd_test "$@" ;;
  start-postgres) mkdir -p "$RUN" "$LOGS"; start_postgres ;;
  start-redis) mkdir -p "$RUN" "$LOGS"; start_redis ;;
  start-solr) mkdir -p "$RUN" "$LOGS"; start_solr ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  env) test_env; env | grep -E '^(CKAN_|POITIERS_)' | sort ;;
  *) echo "usage : $0 {demo|test|setup|stop|status}" >&2; exit 2 ;;
esac
