#!/usr/bin/env pwsh
# Tests of flash.ps1, run with PowerShell 7.6.9 as a local dotnet tool:
#   dotnet tool restore && dotnet tool run pwsh -NoProfile -File tests/flash/flash.Tests.ps1
# Each case runs flash.ps1 in a child pwsh inside a scratch copy of the repo's flash files, with
# PATH holding only fake nanoff/msbuild/dotnet scripts that log their arguments. Nothing touches
# a serial port or the network. Ends with one line "N passed, N failed".
Set-StrictMode -Version 3.0
$ErrorActionPreference = 'Stop'
$env:NO_COLOR = '1'

$repo = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
$dotnetHost = [Environment]::ProcessPath               # the dotnet host running this pwsh
$pwshDll = [Environment]::GetCommandLineArgs()[0]      # pwsh.dll of the local tool
$script:passed = 0
$script:failed = 0

function New-Sandbox {
    $root = Join-Path ([IO.Path]::GetTempPath()) ('nr-flash-' + [Guid]::NewGuid().ToString('N').Substring(0, 8))
    New-Item -ItemType Directory -Path (Join-Path $root 'boards/esp32-devkitc'), (Join-Path $root 'boards/esp32-devkitc-ve'), (Join-Path $root 'bin'), (Join-Path $root 'home') | Out-Null
    Copy-Item (Join-Path $repo 'flash.ps1') $root
    Copy-Item (Join-Path $repo 'boards/esp32-devkitc/board.json') (Join-Path $root 'boards/esp32-devkitc')
    Copy-Item (Join-Path $repo 'boards/esp32-devkitc-ve/board.json') (Join-Path $root 'boards/esp32-devkitc-ve')
    Set-Content -Path (Join-Path $root 'nanoCLR.bin') -Value 'fake image'
    Set-Content -Path (Join-Path $root 'ttyUSB0') -Value ''
    return $root
}

# A fake tool: logs "name args" to log.txt, exits with FAKE_<NAME>_RC (default 0); extra runs after.
function Add-FakeTool([string] $root, [string] $name, [string] $extra = '') {
    $path = Join-Path $root "bin/$name"
    $rcVar = 'FAKE_' + $name.ToUpperInvariant() + '_RC'
    $body = "#!/bin/sh`necho `"$name `$*`" >> '$root/log.txt'`n$extra`nexit `${" + $rcVar + ":-0}`n"
    Set-Content -Path $path -Value $body -NoNewline
    & /bin/chmod +x $path
}

# The fake msbuild writes the deployment image where the project's build would.
function Add-FakeMSBuild([string] $root) {
    Add-FakeTool $root 'msbuild' "/bin/mkdir -p '$root/firmware/NanoRouter/bin/Release' && echo app > '$root/firmware/NanoRouter/bin/Release/NanoRouter.bin'"
}

# The fake dotnet installs a fake nanoff the way 'dotnet tool install --global' does.
function Add-FakeDotnet([string] $root) {
    $tools = "$root/home/.dotnet/tools"
    Add-FakeTool $root 'nanoff'
    Move-Item "$root/bin/nanoff" "$root/nanoff.template"
    Add-FakeTool $root 'dotnet' "/bin/mkdir -p '$tools' && /bin/cp '$root/nanoff.template' '$tools/nanoff'"
}

function Invoke-Flash([string] $root, [string[]] $arguments) {
    $savedPath = $env:PATH
    $savedHome = $env:HOME
    try {
        $env:PATH = Join-Path $root 'bin'
        $env:HOME = Join-Path $root 'home'
        $output = & $dotnetHost $pwshDll -NoProfile -NonInteractive -File (Join-Path $root 'flash.ps1') @arguments 2>&1 |
            ForEach-Object { "$_" }
        $code = $LASTEXITCODE
    }
    finally {
        $env:PATH = $savedPath
        $env:HOME = $savedHome
    }
    $log = [string[]]@()
    if (Test-Path "$root/log.txt") { $log = [string[]]@(Get-Content "$root/log.txt") }
    $lines = [string[]]@($output)
    return [pscustomobject]@{ Code = $code; Lines = $lines; Text = ($lines -join "`n"); Log = $log }
}

function Test-Case([string] $name, [scriptblock] $body) {
    $root = New-Sandbox
    $script:problems = [System.Collections.Generic.List[string]]::new()
    try {
        & $body $root
    }
    catch {
        $script:problems.Add("threw: $_")
    }
    finally {
        Remove-Item -Recurse -Force $root
    }
    if ($script:problems.Count -eq 0) {
        $script:passed++
        Write-Host "PASS $name"
    }
    else {
        $script:failed++
        Write-Host "FAIL $name"
        $script:problems | ForEach-Object { Write-Host "     $_" }
    }
}

function Expect([bool] $condition, [string] $what) { if (-not $condition) { $script:problems.Add($what) } }
function Expect-Equal($expected, $actual, [string] $what) {
    if ("$expected" -ne "$actual") { $script:problems.Add("$what`n       expected: $expected`n       actual:   $actual") }
}
function Expect-Contains([string] $text, [string] $part) {
    if (-not $text.Contains($part)) { $script:problems.Add("output lacks: $part`n       output: $text") }
}

Test-Case 'whatif_esp32_prints_the_exact_commands' {
    param($root)
    $r = Invoke-Flash $root @('-Board', 'esp32-devkitc', '-Port', '/dev/ttyUSB0', '-Firmware', "$root/nanoCLR.bin", '-WhatIf')
    Expect-Equal 0 $r.Code 'exit code'
    $expected = @(
        'nanoRouter: board esp32-devkitc (nanoff target ESP32_REV0), port /dev/ttyUSB0',
        '[1/4] Install nanoff',
        '  dotnet tool install --global nanoff',
        '[2/4] Flash the firmware image',
        "  nanoff --target ESP32_REV0 --serialport /dev/ttyUSB0 --update --clrfile $root/nanoCLR.bin",
        '[3/4] Build the application',
        "  msbuild $root/firmware/NanoRouter/NanoRouter.nfproj -restore -p:RestorePackagesConfig=true -p:Configuration=Release -p:SolutionDir=$root/ -nologo -v:minimal",
        '[4/4] Deploy the application',
        "  nanoff --target ESP32_REV0 --serialport /dev/ttyUSB0 --deploy --image $root/firmware/NanoRouter/bin/Release/NanoRouter.bin",
        'What if: nothing was run.')
    Expect-Equal ($expected -join "`n") $r.Text 'output'
    Expect-Equal 0 $r.Log.Count 'tools run under -WhatIf'
}

Test-Case 'whatif_esp32_psram_board_uses_its_own_target' {
    param($root)
    $r = Invoke-Flash $root @('-Board', 'esp32-devkitc-ve', '-Port', '/dev/ttyUSB0', '-Firmware', "$root/nanoCLR.bin", '-WhatIf')
    Expect-Equal 0 $r.Code 'exit code'
    Expect-Contains $r.Text 'nanoRouter: board esp32-devkitc-ve (nanoff target ESP32_PSRAM_REV0), port /dev/ttyUSB0'
    Expect-Contains $r.Text "  nanoff --target ESP32_PSRAM_REV0 --serialport /dev/ttyUSB0 --update --clrfile $root/nanoCLR.bin"
    Expect-Contains $r.Text "  nanoff --target ESP32_PSRAM_REV0 --serialport /dev/ttyUSB0 --deploy --image $root/firmware/NanoRouter/bin/Release/NanoRouter.bin"
    Expect-Equal 0 $r.Log.Count 'tools run under -WhatIf'
}

Test-Case 'whatif_erase_adds_masserase_and_found_nanoff_is_not_installed' {
    param($root)
    Add-FakeTool $root 'nanoff'
    $r = Invoke-Flash $root @('-Board', 'esp32-devkitc', '-Port', 'ttyUSB9', '-Firmware', "$root/nanoCLR.bin", '-Erase', '-WhatIf')
    Expect-Equal 0 $r.Code 'exit code'
    Expect-Equal '[1/4] nanoff found: nanoff' $r.Lines[1] 'step 1'
    Expect-Contains $r.Text "  nanoff --target ESP32_REV0 --serialport ttyUSB9 --update --clrfile $root/nanoCLR.bin --masserase"
    Expect (-not $r.Text.Contains('tool install')) 'no install line'
    Expect-Equal 0 $r.Log.Count 'tools run under -WhatIf'
}

Test-Case 'whatif_quotes_paths_with_spaces' {
    param($root)
    Copy-Item "$root/nanoCLR.bin" "$root/my image.bin"
    $r = Invoke-Flash $root @('-Board', 'esp32-devkitc', '-Port', '/dev/ttyUSB0', '-Firmware', "$root/my image.bin", '-WhatIf')
    Expect-Contains $r.Text "--clrfile `"$root/my image.bin`""
}

Test-Case 'whatif_host_prints_the_host_board_command' {
    param($root)
    $r = Invoke-Flash $root @('-Board', 'host', '-WhatIf')
    Expect-Equal 0 $r.Code 'exit code'
    Expect-Equal ("nanoRouter: host board (emulator; needs root on Linux)`n[1/1] Run the host board`n  dotnet run --project $root/boards/host`nWhat if: nothing was run.") $r.Text 'output'
}

Test-Case 'host_runs_dotnet_run' {
    param($root)
    Add-FakeTool $root 'dotnet'
    $r = Invoke-Flash $root @('-Board', 'host')
    Expect-Equal 0 $r.Code 'exit code'
    Expect-Equal "dotnet run --project $root/boards/host" ($r.Log -join '|') 'commands run'
}

Test-Case 'bad_board_is_refused' {
    param($root)
    $r = Invoke-Flash $root @('-Board', 'esp8266', '-WhatIf')
    Expect ($r.Code -ne 0) 'non-zero exit'
    Expect-Contains $r.Text 'does not belong to the set "esp32-devkitc,esp32-devkitc-ve,host"'
}

Test-Case 'missing_board_is_refused' {
    param($root)
    $r = Invoke-Flash $root @('-Port', 'COM5', '-WhatIf')
    Expect ($r.Code -ne 0) 'non-zero exit'
    Expect-Contains $r.Text 'Board'
}

Test-Case 'unknown_parameter_is_refused' {
    param($root)
    $r = Invoke-Flash $root @('-Board', 'esp32-devkitc', '-Baud', '921600', '-WhatIf')
    Expect ($r.Code -ne 0) 'non-zero exit'
    Expect-Contains $r.Text "A parameter cannot be found that matches parameter name 'Baud'"
}

Test-Case 'missing_port_is_refused' {
    param($root)
    $r = Invoke-Flash $root @('-Board', 'esp32-devkitc', '-Firmware', "$root/nanoCLR.bin", '-WhatIf')
    Expect-Equal 1 $r.Code 'exit code'
    Expect-Contains $r.Text 'flash.ps1: error: -Port is required for -Board esp32-devkitc'
}

Test-Case 'missing_firmware_parameter_is_refused' {
    param($root)
    $r = Invoke-Flash $root @('-Board', 'esp32-devkitc', '-Port', '/dev/ttyUSB0', '-WhatIf')
    Expect-Equal 1 $r.Code 'exit code'
    Expect-Contains $r.Text 'flash.ps1: error: -Firmware is required'
}

Test-Case 'missing_firmware_file_is_refused' {
    param($root)
    $r = Invoke-Flash $root @('-Board', 'esp32-devkitc', '-Port', '/dev/ttyUSB0', '-Firmware', "$root/none.bin", '-WhatIf')
    Expect-Equal 1 $r.Code 'exit code'
    Expect-Contains $r.Text "flash.ps1: error: firmware image not found: $root/none.bin"
}

Test-Case 'absent_serial_port_is_refused_before_anything_runs' {
    param($root)
    Add-FakeTool $root 'nanoff'
    Add-FakeMSBuild $root
    $r = Invoke-Flash $root @('-Board', 'esp32-devkitc', '-Port', "$root/ttyUSB7", '-Firmware', "$root/nanoCLR.bin")
    Expect-Equal 1 $r.Code 'exit code'
    Expect-Contains $r.Text "flash.ps1: error: serial port $root/ttyUSB7 not found"
    Expect-Equal 0 $r.Log.Count 'tools run'
}

Test-Case 'full_run_installs_nanoff_then_flashes_builds_and_deploys_in_order' {
    param($root)
    Add-FakeDotnet $root
    Add-FakeMSBuild $root
    $r = Invoke-Flash $root @('-Board', 'esp32-devkitc', '-Port', "$root/ttyUSB0", '-Firmware', "$root/nanoCLR.bin")
    Expect-Equal 0 $r.Code "exit code ($($r.Text))"
    $expected = @(
        'dotnet tool install --global nanoff',
        "nanoff --target ESP32_REV0 --serialport $root/ttyUSB0 --update --clrfile $root/nanoCLR.bin",
        "msbuild $root/firmware/NanoRouter/NanoRouter.nfproj -restore -p:RestorePackagesConfig=true -p:Configuration=Release -p:SolutionDir=$root/ -nologo -v:minimal",
        "nanoff --target ESP32_REV0 --serialport $root/ttyUSB0 --deploy --image $root/firmware/NanoRouter/bin/Release/NanoRouter.bin")
    Expect-Equal ($expected -join '|') ($r.Log -join '|') 'commands run, in order'
    Expect-Contains $r.Text "[1/4] Install nanoff"
    Expect-Contains $r.Text "  $root/home/.dotnet/tools/nanoff --target ESP32_REV0"
}

Test-Case 'missing_msbuild_is_a_clear_error' {
    param($root)
    Add-FakeTool $root 'nanoff'
    $r = Invoke-Flash $root @('-Board', 'esp32-devkitc', '-Port', "$root/ttyUSB0", '-Firmware', "$root/nanoCLR.bin")
    Expect-Equal 1 $r.Code 'exit code'
    Expect-Contains $r.Text 'flash.ps1: error: msbuild not found: building the .nfproj needs msbuild with the .NET nanoFramework SDK'
    Expect (-not ($r.Log -join '|').Contains('--deploy')) 'nothing deployed'
}

Test-Case 'missing_nanoff_and_dotnet_is_a_clear_error' {
    param($root)
    Add-FakeMSBuild $root
    $r = Invoke-Flash $root @('-Board', 'esp32-devkitc', '-Port', "$root/ttyUSB0", '-Firmware', "$root/nanoCLR.bin")
    Expect-Equal 1 $r.Code 'exit code'
    Expect-Contains $r.Text 'flash.ps1: error: nanoff is not installed and dotnet is not on PATH to install it'
    Expect-Equal 0 $r.Log.Count 'tools run'
}

Test-Case 'a_failing_tool_stops_the_run_with_its_exit_code' {
    param($root)
    Add-FakeTool $root 'nanoff'
    Add-FakeMSBuild $root
    $env:FAKE_NANOFF_RC = '3'
    try { $r = Invoke-Flash $root @('-Board', 'esp32-devkitc', '-Port', "$root/ttyUSB0", '-Firmware', "$root/nanoCLR.bin") }
    finally { Remove-Item Env:FAKE_NANOFF_RC }
    Expect-Equal 1 $r.Code 'exit code'
    Expect-Contains $r.Text 'flash.ps1: error: [2/4] Flash the firmware image failed: nanoff exited with code 3'
    Expect-Equal 1 $r.Log.Count 'tools run after the failure'
}

Test-Case 'a_build_without_its_image_is_a_clear_error' {
    param($root)
    Add-FakeTool $root 'nanoff'
    Add-FakeTool $root 'msbuild'
    $r = Invoke-Flash $root @('-Board', 'esp32-devkitc', '-Port', "$root/ttyUSB0", '-Firmware', "$root/nanoCLR.bin")
    Expect-Equal 1 $r.Code 'exit code'
    Expect-Contains $r.Text "flash.ps1: error: the build did not produce the deployment image $root/firmware/NanoRouter/bin/Release/NanoRouter.bin"
}

foreach ($boardName in @('esp32-devkitc', 'esp32-devkitc-ve')) {
Test-Case "board_json_agrees_with_the_firmware_constants_$boardName" {
    param($root)
    $board = Get-Content (Join-Path $repo "boards/$boardName/board.json") -Raw | ConvertFrom-Json
    Expect-Equal $boardName $board.name 'board name'
    Expect-Equal $board.nanoffTarget $board.cmakePreset 'nanoff target and CMake preset'
    $program = Get-Content (Join-Path $repo 'firmware/NanoRouter/Program.cs') -Raw
    $devkit = Get-Content (Join-Path $repo 'hal/NanoRouter.Hal.Esp32/DevKitBoard.cs') -Raw
    $radio = Get-Content (Join-Path $repo 'firmware/NanoRouter.Core/Radio/RadioRouterHost.cs') -Raw
    function Constant([string] $source, [string] $name) {
        if ($source -match "const int $name = (-?\d+);") { return [int]$Matches[1] } else { return 'missing' }
    }
    Expect-Equal $board.nat.capacity (Constant $program 'NatCapacity') 'NAT capacity'
    Expect-Equal $board.nat.portLow (Constant $program 'NatPortLow') 'NAT port low'
    Expect-Equal $board.nat.portHigh (Constant $program 'NatPortHigh') 'NAT port high'
    Expect ($board.nat.portHigh -lt 49152) 'NAT ports stay below lwIP ephemeral ports'
    $glue = Get-Content (Join-Path $repo 'hal/NanoRouter.Hal.Esp32/native/nr_esp32.c') -Raw
    $flowSlots = if ($glue -match '#define NR_FLOW_SLOTS (\d+)') { [int]$Matches[1] } else { 'missing' }
    Expect-Equal $board.nat.nativeFlowSlots $flowSlots 'native flow slots (NR_FLOW_SLOTS)'
    Expect-Equal $board.pins.statusLed (Constant $devkit 'LedPin') 'LED pin'
    Expect-Equal $board.pins.bootButton (Constant $devkit 'BootPin') 'BOOT pin'
    Expect-Equal $board.factoryResetHoldMs (Constant $radio 'ResetHoldMs') 'reset hold'
    Expect (Test-Path (Join-Path $repo $board.app.project)) 'app project exists'
}
}

Write-Host "$($script:passed) passed, $($script:failed) failed"
exit ([int]($script:failed -ne 0))
