# Unit and property tests of the portable core, including the in-repo nano gate.
# Property runs are reproducible: fixed seeds unless the caller sets others.
#   NANOROUTER_SEED  run seed of the shared properties (tests/NanoRouter.Tests.Shared, Support/Property)
#                    and of the CsCheck properties when CsCheck_Seed is unset
#   CsCheck_Seed     CsCheck's seed: the first case of every CsCheck property, the rest follow from it
#                    (92PyN_zr1CX2 is the case that found PacketDotNet's UDP checksum 0x0000)
# A failure prints its seed and the command that replays it. Fresh seeds: tests/properties.sh.
export NANOROUTER_SEED=${NANOROUTER_SEED:-20261202}
export CsCheck_Seed=${CsCheck_Seed:-92PyN_zr1CX2}
echo "unit: NANOROUTER_SEED=$NANOROUTER_SEED CsCheck_Seed=$CsCheck_Seed"
record_dotnet_test tests/NanoRouter.Tests/NanoRouter.Tests.csproj
