#!/usr/bin/env bash
# Compile cost of #[derive(SObject)]: generates two crates of 100 structs x 30 fields, one
# deriving serde alone, one deriving serde + SObject (one external ID per struct, every field
# renamed in both), builds their dependencies once, then times clean builds of each crate
# itself (`cargo clean -p` + `cargo build`, dev profile) and prints the ratio (target <= 1.5).
#
# Usage: scripts/compile_cost.sh [runs]        (default 3 runs each; the median is reported)
# Env:   COST_DIR (generated crates, default a temp dir), COST_TARGET_DIR (default
#        /work/targets/compile-cost or $TMPDIR), STRUCTS, FIELDS.
set -euo pipefail

runs=${1:-3}
structs=${STRUCTS:-100}
fields=${FIELDS:-30}
repo=$(cd "$(dirname "$0")/.." && pwd)
dir=${COST_DIR:-$(mktemp -d -t sforce-cost.XXXXXX)}
target=${COST_TARGET_DIR:-/work/targets/compile-cost}
mkdir -p "$dir" "$target"

gen_crate() { # name with_sobject
    local name=$1 sobject=$2 crate="$dir/$1"
    mkdir -p "$crate/src"
    cat > "$crate/Cargo.toml" <<TOML
[package]
name = "$name"
version = "0.0.0"
edition = "2024"
publish = false

[dependencies]
serde = { version = "1", features = ["derive"] }
sforce = { path = "$repo", default-features = false, features = ["derive"] }

[workspace]
TOML
    {
        echo "#![allow(dead_code)]"
        echo "use serde::{Deserialize, Serialize};"
        local types=("Option<String>" "Option<i32>" "Option<f64>" "Option<bool>" "Option<String>" "Option<i64>")
        for s in $(seq 1 "$structs"); do
            if [ "$sobject" = 1 ]; then
                echo "#[derive(Debug, Serialize, Deserialize, sforce::SObject)]"
                echo "#[sobject(name = \"Object${s}__c\")]"
            else
                echo "#[derive(Debug, Serialize, Deserialize)]"
            fi
            echo "pub struct Object$s {"
            for f in $(seq 1 "$fields"); do
                local ty=${types[$(( (f + s) % ${#types[@]} ))]} api="Field${f}__c"
                if [ "$f" = 1 ]; then ty="String"; api="Key__c"; fi
                echo "    #[serde(rename = \"$api\")]"
                if [ "$sobject" = 1 ]; then
                    [ "$f" = 1 ] && echo "    #[external_id]"
                    echo "    #[sobject(rename = \"$api\")]"
                fi
                echo "    pub field_$f: $ty,"
            done
            echo "}"
        done
    } > "$crate/src/lib.rs"
}

gen_crate cost_serde 0
gen_crate cost_sobject 1

build() { # crate -> prints "wall cpu" seconds for a clean build of the crate itself
    local crate="$dir/$1" times
    CARGO_TARGET_DIR="$target" cargo clean -q -p "$1" --manifest-path "$crate/Cargo.toml" 2>/dev/null || true
    # CPU time (user + sys of cargo and rustc) is the robust figure on a shared, loaded machine;
    # wall-clock time is printed too.
    times=$( { TIMEFORMAT='%R %U %S'; time CARGO_TARGET_DIR="$target" cargo build -q \
        --manifest-path "$crate/Cargo.toml" >/dev/null; } 2>&1 )
    echo "$times" | awk '{printf "%.2f %.2f\n", $1, $2 + $3}'
}

echo "generated crates in $dir ($structs structs x $fields fields); target dir $target"
echo "building dependencies once..."
CARGO_TARGET_DIR="$target" cargo build -q --manifest-path "$dir/cost_serde/Cargo.toml"
CARGO_TARGET_DIR="$target" cargo build -q --manifest-path "$dir/cost_sobject/Cargo.toml"

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
serde_wall=() serde_cpu=() sobject_wall=() sobject_cpu=()
for i in $(seq 1 "$runs"); do
    # Alternate so that machine load affects both alike.
    read -r w c <<<"$(build cost_serde)"; serde_wall+=("$w"); serde_cpu+=("$c")
    read -r w c <<<"$(build cost_sobject)"; sobject_wall+=("$w"); sobject_cpu+=("$c")
    echo "run $i: serde ${serde_wall[-1]}s wall / ${serde_cpu[-1]}s cpu, serde+SObject ${sobject_wall[-1]}s wall / ${sobject_cpu[-1]}s cpu"
done
sc=$(printf '%s\n' "${serde_cpu[@]}" | median)
oc=$(printf '%s\n' "${sobject_cpu[@]}" | median)
sw=$(printf '%s\n' "${serde_wall[@]}" | median)
ow=$(printf '%s\n' "${sobject_wall[@]}" | median)
echo "median CPU time:  serde alone ${sc}s, serde + SObject ${oc}s, ratio $(echo "scale=2; $oc / $sc" | bc) (target <= 1.5)"
echo "median wall time: serde alone ${sw}s, serde + SObject ${ow}s, ratio $(echo "scale=2; $ow / $sw" | bc)"
