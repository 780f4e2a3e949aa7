#!/usr/bin/env bats
# linux.netDevices: host interfaces moved into the container's network namespace, renamed, with
# their permanent global addresses, and up; refused or given back whole when create fails; and
# the loopback of a new network namespace up, of a joined one untouched.
# Each test makes its own interfaces (dummy, or a veth pair where the kernel has no dummy driver)
# named gd<test><pid>*, uses only documentation addresses, sends no traffic, and deletes what is
# left of them in teardown. No other interface is touched.

load helpers

eval "helpers_$(declare -f teardown)"

LINKS=()
NSPID=

teardown() {
	local l
	# the namespace's holder, before the helpers look for processes left behind
	[ -z "$NSPID" ] || { kill "$NSPID" && wait "$NSPID"; } 2>/dev/null || true
	helpers_teardown
	local rc=$?
	for l in "${LINKS[@]}"; do
		ip link del "$l" 2>/dev/null || true
	done
	return $rc
}

# new_link VAR SUFFIX: create an interface gd<test><pid>SUFFIX on the host and name it in VAR
# (not printed: LINKS, which teardown reads, must be set in this shell).
new_link() {
	local name=gd$BATS_TEST_NUMBER$$$2
	LINKS+=("$name")
	if ! ip link add "$name" type dummy 2>/dev/null; then
		ip link add "$name" type veth peer name "${name}p" || return 1
		LINKS+=("${name}p")
	fi
	printf -v "$1" %s "$name"
}

# with_addrs NAME: the addresses the tests look for, and two that must not move (not permanent;
# not of global scope); the link is set up.
with_addrs() {
	ip addr add 192.0.2.10/24 dev "$1"
	ip addr add 2001:db8::10/64 dev "$1" nodad
	ip addr add 192.0.2.11/24 dev "$1" valid_lft 300 preferred_lft 300
	ip addr add 192.0.2.12/32 dev "$1" scope host
	ip link set "$1" up
}

# on_host NAME: the interface is in the runtime's network namespace under this name.
on_host() {
	ip link show dev "$1" >/dev/null 2>&1
}

# host_addrs NAME: its permanent global addresses as the host sees them, one a line.
host_addrs() {
	ip -o addr show dev "$1" scope global permanent | awk '{ print $4 }' | sort
}

# host_links: every interface of the host, by name.
host_links() {
	# this test's interfaces and the host's own, not those of other test runs (gd<n><pid>)
	ip -o link show | awk -F': ' '{ print $2 }' | sed 's/@.*//' | grep -v '^gd' | sort
	local l
	for l in "${LINKS[@]}"; do
		on_host "$l" && echo "$l"
	done
}

# UP among the flags of `ip link show` (LOWER_UP alone is not enough)
UP_RE='[<,]UP[,>]'

set_netdevices() {
	update_config ".linux.netDevices = $1"
}

@test "netDevices: the device is inside under its new name, up, with its permanent global addresses" {
	new_link dev a
	with_addrs "$dev"
	set_netdevices "{\"$dev\": {\"name\": \"ctr0\"}}"
	set_args sh -c 'ip link show dev ctr0; ip addr show dev ctr0'
	run --separate-stderr grid run --bundle "$BUNDLE" c1
	[ "$status" -eq 0 ]
	echo "$output"
	[[ "$output" =~ $UP_RE ]]
	[[ "$output" == *"inet 192.0.2.10/24 "* ]]
	[[ "$output" == *"inet6 2001:db8::10/64 "* ]]
	# not permanent, or not global: not preserved (runtime-spec)
	[[ "$output" != *192.0.2.11* ]]
	[[ "$output" != *192.0.2.12* ]]
	[ -z "$stderr" ]
}

@test "netDevices: without name the device keeps its host name" {
	new_link dev a
	with_addrs "$dev"
	set_netdevices "{\"$dev\": {}}"
	set_args ip addr show dev "$dev"
	run --separate-stderr grid run --bundle "$BUNDLE" c1
	[ "$status" -eq 0 ]
	[[ "$output" == *"$dev"* ]]
	[[ "$output" == *"inet 192.0.2.10/24 "* ]]
}

@test "netDevices: a name ending in %d lets the kernel choose the number" {
	new_link dev a
	with_addrs "$dev"
	set_netdevices "{\"$dev\": {\"name\": \"gx%d\"}}"
	set_args sh -c 'ip -o link show; ip addr show dev gx0'
	run --separate-stderr grid run --bundle "$BUNDLE" c1
	[ "$status" -eq 0 ]
	[[ "$output" == *": gx0"* ]]
	[[ "$output" != *"$dev"* ]]
	[[ "$output" == *"inet 192.0.2.10/24 "* ]]
}

@test "netDevices: the device leaves the host while the container runs, and delete does not move it back" {
	new_link dev a
	with_addrs "$dev"
	set_netdevices "{\"$dev\": {\"name\": \"ctr0\"}}"
	set_args sleep 100
	run --separate-stderr grid create --bundle "$BUNDLE" c1
	[ "$status" -eq 0 ]
	! on_host "$dev" || false
	pid=$(container_pid c1)
	run nsenter -t "$pid" -n ip -o addr show dev ctr0
	[ "$status" -eq 0 ]
	[[ "$output" == *192.0.2.10/24* ]]
	grid delete --force c1
	# runtime-spec v1.3.0: the runtime MUST NOT move it back; the kernel destroys a virtual
	# device with the namespace (and would return a physical one under its container name)
	for i in $(seq 50); do
		on_host "$dev" && break
		sleep 0.1
	done
	! on_host "$dev" || false
	assert_nothing_left c1
}

@test "netDevices: a missing host interface is refused by name, before anything moves" {
	new_link dev a
	with_addrs "$dev"
	before=$(host_links)
	addrs=$(host_addrs "$dev")
	set_netdevices "{\"$dev\": {\"name\": \"ctr0\"}, \"gdno$$\": {}}"
	run --separate-stderr grid create --bundle "$BUNDLE" c1
	assert_error "linux.netDevices.gdno$$" "no such device"
	assert_nothing_left c1
	[ "$(host_links)" = "$before" ]
	[ "$(host_addrs "$dev")" = "$addrs" ]
}

@test "netDevices: a name that exists in the container is refused and the device is back on the host" {
	new_link dev a
	with_addrs "$dev"
	addrs=$(host_addrs "$dev")
	set_netdevices "{\"$dev\": {\"name\": \"lo\"}}"
	run --separate-stderr grid create --bundle "$BUNDLE" c1
	assert_error "linux.netDevices.$dev" '"lo"' "file exists"
	assert_nothing_left c1
	on_host "$dev"
	[ "$(host_addrs "$dev")" = "$addrs" ]
	[[ "$(ip -o link show dev "$dev")" =~ $UP_RE ]]
}

@test "netDevices: when a later device fails, the ones already moved come back under their host names" {
	new_link first a
	new_link second b
	with_addrs "$first"
	addrs=$(host_addrs "$first")
	before=$(host_links)
	set_netdevices "{\"$first\": {\"name\": \"ctr0\"}, \"$second\": {\"name\": \"ctr0\"}}"
	run --separate-stderr grid create --bundle "$BUNDLE" c1
	assert_error "linux.netDevices.$second" '"ctr0"' "file exists"
	assert_nothing_left c1
	[ "$(host_links)" = "$before" ]
	[ "$(host_addrs "$first")" = "$addrs" ]
}

@test "netDevices: when create fails after the move, the device is back on the host" {
	new_link dev a
	with_addrs "$dev"
	addrs=$(host_addrs "$dev")
	set_netdevices "{\"$dev\": {\"name\": \"ctr0\"}}"
	run --separate-stderr grid create --pid-file "$TMP/no/such/dir/pid" --bundle "$BUNDLE" c1
	assert_error "pid"
	assert_nothing_left c1
	on_host "$dev"
	[ "$(host_addrs "$dev")" = "$addrs" ]
}

@test "netDevices: refused without a network namespace of the container" {
	new_link dev a
	update_config '.linux.namespaces |= map(select(.type != "network"))'
	set_netdevices "{\"$dev\": {}}"
	run --separate-stderr grid create --bundle "$BUNDLE" c1
	assert_error "linux.netDevices" "network namespace"
	assert_nothing_left c1
	on_host "$dev"
}

@test "netDevices: no warning that it is not enforced" {
	new_link dev a
	set_netdevices "{\"$dev\": {}}"
	set_args true
	run --separate-stderr grid run --bundle "$BUNDLE" c1
	[ "$status" -eq 0 ]
	[[ "$stderr" != *"not enforced"* ]]
}

@test "a new network namespace has lo up with 127.0.0.1; a joined one is left as it is" {
	# flags: IFF_UP is bit 0
	set_args sh -c 'cat /sys/class/net/lo/flags; ip -o addr show dev lo'
	run --separate-stderr grid run --bundle "$BUNDLE" c1
	[ "$status" -eq 0 ]
	echo "$output"
	(( ${lines[0]} & 1 ))
	[[ "$output" == *"inet 127.0.0.1/8 "* ]]
	# a network namespace the container joins is not Grid's to change: its lo stays down
	unshare --net sleep 100 &
	NSPID=$!
	local i
	for i in $(seq 50); do
		[ "$(readlink /proc/$NSPID/ns/net)" = "$(readlink /proc/self/ns/net)" ] || break
		sleep 0.1
	done
	update_config '.linux.namespaces |= map(if .type == "network" then .path = "/proc/'"$NSPID"'/ns/net" else . end)'
	run --separate-stderr grid run --bundle "$BUNDLE" c2
	[ "$status" -eq 0 ]
	echo "$output"
	(( (${lines[0]} & 1) == 0 ))
	! nsenter --net=/proc/$NSPID/ns/net ip -o link show lo | grep -qE "$UP_RE"
	kill "$NSPID"
	wait "$NSPID" || true
	NSPID=
}
