; Inno Setup script for Check-in Desk: makes dist\Check-in Desk Setup.exe from the bundle in dist\checkin-desk.
;
;   bash packaging/build                  (Git Bash; it also writes build\version.iss with the package version)
;   iscc packaging\windows\checkin.iss    (Inno Setup 6; or pass /DAppVersion=1.2.3 yourself)
;
; A per-user install: no administrator rights, into %LOCALAPPDATA%\Programs\Check-in Desk, a Start-menu
; entry, an optional desktop icon, and an uninstaller in Settings > Apps. The uninstaller leaves the desk's
; data (%LOCALAPPDATA%\CheckinDesk: the database and settings) alone: attendance records outlive the program.

#define AppName "Check-in Desk"
#define AppExe "Check-in Desk.exe"
#ifndef AppVersion
  #if FileExists(AddBackslash(SourcePath) + "..\..\build\version.iss")
    #include AddBackslash(SourcePath) + "..\..\build\version.iss"
  #else
    #error No version: run packaging/build first (it writes build\version.iss), or pass /DAppVersion=x.y.z
  #endif
#endif

[Setup]
; AppId identifies the program to Windows across versions: never change it.
AppId={{73A79ECC-A236-4EB6-BE0D-659FEDB7F928}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=Check-in Desk
VersionInfoVersion={#AppVersion}
; {autopf} is %LOCALAPPDATA%\Programs when installing for the current user only, as here.
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
OutputDir=..\..\dist
OutputBaseFilename={#AppName} Setup
SetupIconFile=icon.ico
UninstallDisplayIcon={app}\{#AppExe}
UninstallDisplayName={#AppName}
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
CloseApplications=yes

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Files]
Source: "..\..\dist\checkin-desk\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[InstallDelete]
; An upgrade replaces the program's own files; a stale library from an older version must not linger.
Type: filesandordirs; Name: "{app}\_internal"

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#AppExe}"; WorkingDir: "{app}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; WorkingDir: "{app}"; Tasks: desktopicon

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent
