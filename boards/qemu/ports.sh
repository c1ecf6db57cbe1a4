# Sourced: the project's port table (boards/ports.tsv) for shell scripts.
#   ktap_port_range NAME    prints "FIRST LAST" of the range NAME, or fails with a message
#   ktap_port_range_of N    prints "FIRST LAST" of the range port N lies in, or fails
#   ktap_free_port NAME     prints the first port of NAME's range nobody listens on, else fails
ktap_ports_file=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/ports.tsv

ktap_port_range() {
    awk -v n="$1" '!/^#/ && $1 == n { print $2, $3; found = 1 } END { exit !found }' "$ktap_ports_file" ||
        { echo "ports: no range '$1' in $ktap_ports_file" >&2; return 1; }
}

ktap_port_range_of() {
    awk -v p="$1" '!/^#/ && NF >= 3 && p >= $2 && p <= $3 { print $2, $3; found = 1 } END { exit !found }' "$ktap_ports_file" ||
        { echo "ports: port $1 is in no range of $ktap_ports_file" >&2; return 1; }
}

ktap_port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

ktap_free_port() {
    local range first last p
    range=$(ktap_port_range "$1") || return 1
    read -r first last <<<"$range"
    for ((p = first; p <= last; p++)); do
        ktap_port_in_use "$p" || { echo "$p"; return 0; }
    done
    echo "ports: every port of '$1' ($first-$last) is in use" >&2
    return 1
}
