#!/usr/bin/env pwsh
<#
.SYNOPSIS
    Flashes nanoRouter onto a board, or runs it on the host board.

.DESCRIPTION
    -Board esp32-devkitc or esp32-devkitc-ve (the PSRAM module; the steps are printed as they run):
      1. finds nanoff, or installs it (dotnet tool install --global nanoff);
      2. flashes the custom firmware image (-Firmware: nanoCLR.bin built with the interop
         library, boards/esp32-devkitc/README.md) with nanoff --update --clrfile;
      3. builds firmware/NanoRouter/NanoRouter.nfproj with msbuild and the nanoFramework SDK;
      4. deploys the application image with nanoff --deploy --image.
    -Board host runs the emulator: dotnet run --project boards/host (as root, on Linux).
    -WhatIf prints the exact commands and runs nothing.

.EXAMPLE
    ./flash.ps1 -Board esp32-devkitc -Port COM5 -Firmware C:\nf-interpreter\build\nanoCLR.bin

.EXAMPLE
    ./flash.ps1 -Board esp32-devkitc -Port /dev/ttyUSB0 -Firmware ./nanoCLR.bin -Erase -WhatIf
#>
[CmdletBinding(SupportsShouldProcess = $true)]
param(
    # Which board: the ESP32-DevKitC (WROOM-32), the ESP32-DevKitC-VE (WROVER-E, PSRAM), or the
    # host board (emulator).
    [Parameter(Mandatory = $true)]
    [ValidateSet('esp32-devkitc', 'esp32-devkitc-ve', 'host')]
    [string] $Board,

    # The serial port of the ESP32: COM5 on Windows, /dev/ttyUSB0 on Linux.
    [string] $Port,

    # The custom firmware image (nanoCLR.bin with the nanoRouter interop library).
    [string] $Firmware,

    # Erase the whole flash first (also erases the saved settings).
    [switch] $Erase
)

Set-StrictMode -Version 3.0
$ErrorActionPreference = 'Stop'
$root = $PSScriptRoot
$dryRun = [bool]$WhatIfPreference

function Fail([string] $message) {
    [Console]::Error.WriteLine("flash.ps1: error: $message")
    exit 1
}

# The command line as printed: arguments with spaces or quotes are double-quoted.
function Format-Command([string] $exe, [string[]] $arguments) {
    $parts = @($exe) + $arguments | ForEach-Object {
        if ($_ -match '[\s"]') { '"' + ($_ -replace '"', '\"') + '"' } else { $_ }
    }
    return ($parts -join ' ')
}

# Prints a step's command, then runs it unless -WhatIf.
function Invoke-Step([string] $title, [string] $exe, [string[]] $arguments) {
    Write-Host $title
    Write-Host ('  ' + (Format-Command $exe $arguments))
    if ($dryRun) { return }
    & $exe @arguments
    if ($LASTEXITCODE -ne 0) { Fail "$title failed: $exe exited with code $LASTEXITCODE" }
}

function Find-Tool([string] $name) {
    $command = Get-Command $name -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1
    if ($command) { return $command.Source }
    return $null
}

# nanoff on PATH, or where 'dotnet tool install --global' puts it.
function Find-Nanoff {
    $found = Find-Tool 'nanoff'
    if ($found) { return 'nanoff' }
    $name = if ($IsWindows) { 'nanoff.exe' } else { 'nanoff' }
    $installed = Join-Path (Join-Path (Join-Path $HOME '.dotnet') 'tools') $name
    if (Test-Path -LiteralPath $installed -PathType Leaf) { return $installed }
    return $null
}

# msbuild on PATH, or Visual Studio's through vswhere (Windows).
function Find-MSBuild {
    if (Find-Tool 'msbuild') { return 'msbuild' }
    if ($IsWindows) {
        $vswhere = Join-Path ${env:ProgramFiles(x86)} 'Microsoft Visual Studio\Installer\vswhere.exe'
        if (Test-Path -LiteralPath $vswhere) {
            $path = & $vswhere -latest -requires Microsoft.Component.MSBuild -find 'MSBuild\**\Bin\MSBuild.exe' | Select-Object -First 1
            if ($path) { return $path }
        }
    }
    return $null
}

if ($Board -eq 'host') {
    if ($Port -or $Firmware -or $Erase) { Write-Warning '-Port, -Firmware and -Erase are not used with -Board host' }
    $project = Join-Path (Join-Path $root 'boards') 'host'
    Write-Host 'nanoRouter: host board (emulator; needs root on Linux)'
    if (-not $dryRun -and -not (Find-Tool 'dotnet')) { Fail 'dotnet is not on PATH: install the .NET SDK' }
    Invoke-Step '[1/1] Run the host board' 'dotnet' @('run', '--project', $project)
    if ($dryRun) { Write-Host 'What if: nothing was run.' }
    exit 0
}

# --- ESP32 ---------------------------------------------------------------------------------
$boardFile = Join-Path (Join-Path (Join-Path $root 'boards') $Board) 'board.json'
if (-not (Test-Path -LiteralPath $boardFile)) { Fail "board definition not found: $boardFile" }
$definition = Get-Content -LiteralPath $boardFile -Raw | ConvertFrom-Json
$target = $definition.nanoffTarget
$projectPath = Join-Path $root $definition.app.project
$imagePath = Join-Path $root $definition.app.image

if (-not $Port) {
    Fail "-Port is required for -Board $Board (the serial port, e.g. COM5 on Windows or /dev/ttyUSB0 on Linux)"
}
if ($IsWindows -and $Port -notmatch '^COM\d+$') { Fail "-Port '$Port' is not a serial port name like COM5" }
if (-not $Firmware) {
    Fail "-Firmware is required: the custom nanoCLR.bin built with the nanoRouter interop library (see boards/$Board/README.md)"
}
if (-not (Test-Path -LiteralPath $Firmware -PathType Leaf)) { Fail "firmware image not found: $Firmware" }
$Firmware = (Resolve-Path -LiteralPath $Firmware).Path
if (-not $dryRun) {
    $present = if ($IsWindows) { [System.IO.Ports.SerialPort]::GetPortNames() -contains $Port } else { Test-Path -LiteralPath $Port }
    if (-not $present) { Fail "serial port $Port not found: is the board plugged in (and its USB-UART driver installed)?" }
}

Write-Host "nanoRouter: board $Board (nanoff target $target), port $Port"

# 1. nanoff
$nanoff = Find-Nanoff
if ($nanoff) {
    Write-Host "[1/4] nanoff found: $nanoff"
}
elseif ($dryRun) {
    $nanoff = 'nanoff'
    Invoke-Step '[1/4] Install nanoff' 'dotnet' @('tool', 'install', '--global', 'nanoff')
}
else {
    if (-not (Find-Tool 'dotnet')) { Fail 'nanoff is not installed and dotnet is not on PATH to install it: install the .NET SDK, then run this again' }
    Invoke-Step '[1/4] Install nanoff' 'dotnet' @('tool', 'install', '--global', 'nanoff')
    $nanoff = Find-Nanoff
    if (-not $nanoff) { Fail 'nanoff was installed but cannot be found: add ~/.dotnet/tools to PATH' }
}

# 2. firmware
$update = @('--target', $target, '--serialport', $Port, '--update', '--clrfile', $Firmware)
if ($Erase) { $update += '--masserase' }
Invoke-Step '[2/4] Flash the firmware image' $nanoff $update

# 3. build
$msbuild = Find-MSBuild
if (-not $msbuild) {
    if (-not $dryRun) {
        Fail 'msbuild not found: building the .nfproj needs msbuild with the .NET nanoFramework SDK (Visual Studio 2022 with the nanoFramework extension, on Windows)'
    }
    $msbuild = 'msbuild'
}
$configuration = $definition.app.configuration
Invoke-Step '[3/4] Build the application' $msbuild @($projectPath, '-restore', '-p:RestorePackagesConfig=true',
    "-p:Configuration=$configuration", "-p:SolutionDir=$root$([IO.Path]::DirectorySeparatorChar)", '-nologo', '-v:minimal')

# 4. deploy
if (-not $dryRun -and -not (Test-Path -LiteralPath $imagePath -PathType Leaf)) {
    Fail "the build did not produce the deployment image $imagePath"
}
Invoke-Step '[4/4] Deploy the application' $nanoff @('--target', $target, '--serialport', $Port, '--deploy', '--image', $imagePath)

if ($dryRun) {
    Write-Host 'What if: nothing was run.'
}
else {
    Write-Host "Done. Join the Wi-Fi network nanoRouter-XXXX and open http://$($definition.accessPoint.address)/"
}
