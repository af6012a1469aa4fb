#!/usr/bin/env bash
# A real single-node SLURM cluster on this machine, for the cluster tests and bench/cluster.py
# (facts: docs/cluster.md, "Testing on a single-node cluster").
#
#   bash scripts/slurm_cluster.sh install        # Debian slurmctld, slurmd, slurm-client, munge
#   bash scripts/slurm_cluster.sh start DIR      # install if missing, start; prints SLURM_CONF=...
#   bash scripts/slurm_cluster.sh stop DIR       # cancel its jobs, stop its daemons by PID
#
# All state (slurm.conf, spool, state, logs, PID files, a private munged with its own key and
# socket) lives in DIR. The daemons listen on free loopback ports and a socket of their own, so
# several clusters (a test run and a bench) run side by side and stop independently.
# Needs root (as on the project's machines and in CI).
set -euo pipefail

PACKAGES=(slurmctld slurmd slurm-client munge)

need_root() {
    if [ "$(id -u)" -ne 0 ]; then
        echo "slurm_cluster.sh: must run as root (it starts munged and the SLURM daemons)" >&2
        exit 1
    fi
}

install_packages() {
    if command -v slurmctld >/dev/null && command -v slurmd >/dev/null \
        && command -v sbatch >/dev/null && command -v munged >/dev/null; then
        return 0
    fi
    need_root
    echo "[slurm] installing ${PACKAGES[*]} (Debian packages; ~10 s)" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
        "${PACKAGES[@]}" >/dev/null
}

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

start_munge() {
    # A private munged (own key, socket, PID file) per cluster: clusters never share one, so
    # stopping one cannot break another. As root, hence --force.
    local dir=$1 m=$1/munge
    install -d -m 755 "$m"
    mungekey --create --keyfile="$m/munge.key" 2>/dev/null \
        || { cp /etc/munge/munge.key "$m/munge.key" && chmod 600 "$m/munge.key"; }
    /usr/sbin/munged --force --socket="$m/munge.socket" --key-file="$m/munge.key" \
        --pid-file="$dir/munged.pid" --log-file="$m/munged.log" --seed-file="$m/munged.seed"
    for _ in $(seq 50); do
        if munge -S "$m/munge.socket" -n 2>/dev/null | unmunge -S "$m/munge.socket" >/dev/null 2>&1; then
            return 0
        fi
        sleep 0.1
    done
    echo "slurm_cluster.sh: munged did not start; see $m/munged.log" >&2
    exit 1
}

write_conf() {
    local dir=$1 node cpus mem
    node=$(hostname -s)
    cpus=$(nproc)
    mem=$(awk '/MemTotal/ {m = int($2 / 1024) - 1024; print (m > 2000 ? m : 2000)}' /proc/meminfo)
    mkdir -p "$dir/state" "$dir/spool" "$dir/log"
    cat > "$dir/slurm.conf" <<EOF
# single-node test cluster written by scripts/slurm_cluster.sh
ClusterName=projtest
SlurmctldHost=localhost(127.0.0.1)
SlurmctldPort=$(free_port)
SlurmdPort=$(free_port)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$dir/munge/munge.socket
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
MailProg=/bin/true
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
SchedulerParameters=sched_min_interval=0,batch_sched_delay=0
MinJobAge=600
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
NodeName=$node NodeAddr=127.0.0.1 CPUs=$cpus Sockets=1 CoresPerSocket=$cpus ThreadsPerCore=1 RealMemory=$mem State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
EOF
}

start() {
    local dir=$1
    install_packages
    need_root
    mkdir -p "$dir"
    dir=$(cd "$dir" && pwd)
    if [ -f "$dir/slurmctld.pid" ] && kill -0 "$(cat "$dir/slurmctld.pid")" 2>/dev/null; then
        echo "slurm_cluster.sh: a cluster already runs from $dir" >&2
        exit 1
    fi
    start_munge "$dir"
    write_conf "$dir"
    export SLURM_CONF=$dir/slurm.conf
    slurmctld -f "$SLURM_CONF"
    slurmd -f "$SLURM_CONF"
    local state=""
    for _ in $(seq 300); do
        state=$(sinfo -h -o %t 2>/dev/null | head -n1 || true)
        [ "$state" = "idle" ] && break
        sleep 0.1
    done
    if [ "$state" != "idle" ]; then
        echo "slurm_cluster.sh: the node is '${state:-unknown}', not idle after 30 s;" \
             "logs in $dir/log" >&2
        stop "$dir"
        exit 1
    fi
    echo "SLURM_CONF=$SLURM_CONF"
}

stop_pid_file() {
    local file=$1 pid
    [ -f "$file" ] || return 0
    pid=$(cat "$file")
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
        kill -TERM "$pid" 2>/dev/null || true
        for _ in $(seq 100); do
            # gone, or a zombie waiting for PID 1 to reap it
            if ! kill -0 "$pid" 2>/dev/null || grep -q '^State:.*Z' "/proc/$pid/status" 2>/dev/null; then
                break
            fi
            sleep 0.1
        done
        if kill -0 "$pid" 2>/dev/null && ! grep -q '^State:.*Z' "/proc/$pid/status" 2>/dev/null; then
            kill -KILL "$pid" 2>/dev/null || true
        fi
    fi
    rm -f "$file"
}

stop() {
    local dir=$1
    [ -d "$dir" ] || return 0
    dir=$(cd "$dir" && pwd)
    if [ -f "$dir/slurm.conf" ] && [ -f "$dir/slurmctld.pid" ]; then
        SLURM_CONF=$dir/slurm.conf timeout 10 scancel --user="$(id -un)" 2>/dev/null || true
        sleep 0.5
    fi
    stop_pid_file "$dir/slurmd.pid"
    stop_pid_file "$dir/slurmctld.pid"
    stop_pid_file "$dir/munged.pid"
}

case "${1:-}" in
    install) install_packages ;;
    start) [ -n "${2:-}" ] || { echo "usage: $0 start DIR" >&2; exit 2; }; start "$2" ;;
    stop) [ -n "${2:-}" ] || { echo "usage: $0 stop DIR" >&2; exit 2; }; stop "$2" ;;
    *) echo "usage: $0 install | start DIR | stop DIR" >&2; exit 2 ;;
esac
